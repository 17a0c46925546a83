"""The scale-out benchmark's load balancer picks backends round robin and puts one that refused
a connection last for a while; the Redis cache that REDIS_URL selects can be loaded."""

from __future__ import annotations

from bench.scaleout import BackendPool

A, B = ("127.0.0.1", 8001), ("127.0.0.1", 8002)


def test_connections_go_to_the_backends_in_turn():
    pool = BackendPool([A, B])
    assert [pool.order(now=0.0)[0] for _ in range(4)] == [A, B, A, B]


def test_every_backend_is_offered_so_a_refused_connect_can_try_the_next():
    pool = BackendPool([A, B])
    assert pool.order(now=0.0) == [A, B]
    assert pool.order(now=0.0) == [B, A]


def test_a_backend_that_refused_goes_last_until_its_cooldown_ends():
    pool = BackendPool([A, B], cooldown=2.0)
    pool.failed(A, now=10.0)
    assert [pool.order(now=11.0)[0] for _ in range(3)] == [B, B, B]
    assert pool.order(now=11.0) == [B, A]  # still tried when B fails too
    assert [pool.order(now=12.5)[0] for _ in range(2)] == [A, B]  # back in turn


def test_the_redis_cache_backend_loads():
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/13", {})
    assert cache._cache is not None  # imports the redis client; connects only on first use
