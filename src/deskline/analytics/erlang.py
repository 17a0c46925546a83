"""Queueing models for staffing, free of the ORM: Erlang C (M/M/N) and Erlang A (M/M/N+M).

Erlang C assumes callers wait forever; Erlang A (Palm's model) lets them abandon after an
exponentially distributed patience. Both answer, for a given number of agents: the probability
of waiting, the service level (share answered within a target time), occupancy and average
speed of answer. `agents_needed` finds the smallest number of agents meeting a service level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Above this many agents the answer is not a staffing question any more.
MAX_AGENTS = 10_000


@dataclass(frozen=True)
class Staffing:
    """The performance of `agents` agents under a given load."""

    agents: int
    traffic_erlangs: float
    wait_probability: float
    service_level: float
    occupancy: float
    average_wait_seconds: float
    abandon_probability: float = 0.0


def traffic_intensity(*, arrivals_per_hour: float, handle_seconds: float) -> float:
    """Offered load in Erlangs: arrivals per second times the average handling time."""
    return arrivals_per_hour / 3600.0 * handle_seconds


def erlang_b(*, agents: int, traffic: float) -> float:
    """Blocking probability of M/M/N/N by the stable recursion B(n) = A·B(n-1)/(n + A·B(n-1))."""
    if agents < 0 or traffic < 0:
        raise ValueError("agents and traffic must not be negative")
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def erlang_c(*, agents: int, traffic: float) -> float:
    """Probability that an arriving ticket waits (M/M/N); 1.0 when the load is unstable."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    blocking = erlang_b(agents=agents, traffic=traffic)
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def erlang_c_staffing(
    *, agents: int, arrivals_per_hour: float, handle_seconds: float, target_seconds: float
) -> Staffing:
    """Erlang C figures for `agents` agents: P(wait), service level, occupancy, ASA."""
    if handle_seconds <= 0:
        raise ValueError("handle_seconds must be positive")
    traffic = traffic_intensity(arrivals_per_hour=arrivals_per_hour, handle_seconds=handle_seconds)
    if traffic == 0:
        return Staffing(agents, 0.0, 0.0, 1.0, 0.0, 0.0)
    if agents <= traffic:
        return Staffing(agents, traffic, 1.0, 0.0, 1.0, math.inf)
    wait = erlang_c(agents=agents, traffic=traffic)
    service_level = 1.0 - wait * math.exp(-(agents - traffic) * target_seconds / handle_seconds)
    average_wait = wait * handle_seconds / (agents - traffic)
    return Staffing(agents, traffic, wait, service_level, traffic / agents, average_wait)


def erlang_a_staffing(
    *,
    agents: int,
    arrivals_per_hour: float,
    handle_seconds: float,
    target_seconds: float,
    patience_seconds: float,
) -> Staffing:
    """Erlang A (M/M/N+M) figures by the birth-death chain, truncated where the tail vanishes.

    Service level is the share of arrivals answered within the target and not abandoned before
    it: an arrival finding k waiting ahead reaches an agent after the queue ahead drains at rates
    N·mu + j·theta; its own patience races that (theta). Computed by uniformization.
    """
    if handle_seconds <= 0 or patience_seconds <= 0:
        raise ValueError("handle_seconds and patience_seconds must be positive")
    lam = arrivals_per_hour / 3600.0
    mu = 1.0 / handle_seconds
    theta = 1.0 / patience_seconds
    if lam == 0:
        return Staffing(agents, 0.0, 0.0, 1.0, 0.0, 0.0)
    probabilities = _palm_distribution(agents=agents, lam=lam, mu=mu, theta=theta)
    waiting = probabilities[agents:]
    wait_probability = sum(waiting)
    queue_mean = sum(k * p for k, p in enumerate(waiting))
    abandon = theta * queue_mean / lam
    busy = sum(min(n, agents) * p for n, p in enumerate(probabilities))
    answered_in_time = sum(probabilities[:agents]) + sum(
        p * _reached_in_time(ahead=k, agents=agents, mu=mu, theta=theta, t=target_seconds)
        for k, p in enumerate(waiting)
    )
    return Staffing(
        agents=agents,
        traffic_erlangs=lam / mu,
        wait_probability=wait_probability,
        service_level=answered_in_time,
        occupancy=busy / agents if agents else 1.0,
        average_wait_seconds=queue_mean / lam,  # Little's law over all arrivals
        abandon_probability=abandon,
    )


def _palm_distribution(*, agents: int, lam: float, mu: float, theta: float) -> list[float]:
    """Stationary probabilities of the number in system, normalised, tail below 1e-12."""
    weights = [1.0]
    n = 0
    while True:
        n += 1
        death = min(n, agents) * mu + max(n - agents, 0) * theta
        weights.append(weights[-1] * lam / death)
        if n > agents and weights[-1] < 1e-12 * sum(weights):
            break
    total = sum(weights)
    return [w / total for w in weights]


def _reached_in_time(*, ahead: int, agents: int, mu: float, theta: float, t: float) -> float:
    """P(an arrival with `ahead` waiting before it reaches an agent by t and is still there).

    The chain: the tagged arrival's position j = ahead..0; from position j it moves up at rate
    N·mu + j·theta, and abandons at rate theta. Absorbed at "served" (from position 0 moving up)
    or "abandoned". Uniformization with rate L = N·mu + (ahead + 1)·theta.
    """
    if t <= 0:
        return 0.0
    rate = agents * mu + (ahead + 1) * theta
    state = [0.0] * (ahead + 1)  # mass at positions ahead..0, indexed by position
    state[ahead] = 1.0
    served = 0.0
    poisson = math.exp(-rate * t)
    result = 0.0
    step = 0
    cumulative = poisson
    while True:
        result += poisson * served
        if 1.0 - cumulative < 1e-10 or step > 100_000:
            result += (1.0 - cumulative) * served
            return min(max(result, 0.0), 1.0)
        moved = [0.0] * (ahead + 1)
        for j, mass in enumerate(state):
            if mass == 0.0:
                continue
            up = agents * mu + j * theta
            if j == 0:
                served += mass * up / rate
            else:
                moved[j - 1] += mass * up / rate
            moved[j] += mass * (rate - up - theta) / rate
        state = moved
        step += 1
        poisson *= rate * t / step
        cumulative += poisson


def agents_needed(
    *,
    arrivals_per_hour: float,
    handle_seconds: float,
    target_seconds: float,
    service_level: float,
    patience_seconds: float | None = None,
    max_occupancy: float = 1.0,
) -> Staffing:
    """The smallest number of agents meeting `service_level` (and `max_occupancy`).

    Erlang C unless `patience_seconds` is given, then Erlang A.
    """
    if not 0 < service_level < 1:
        raise ValueError("service_level must be between 0 and 1")
    traffic = traffic_intensity(arrivals_per_hour=arrivals_per_hour, handle_seconds=handle_seconds)
    start = 1 if patience_seconds is not None else max(1, math.floor(traffic) + 1)
    for agents in range(start, MAX_AGENTS + 1):
        if patience_seconds is None:
            result = erlang_c_staffing(
                agents=agents,
                arrivals_per_hour=arrivals_per_hour,
                handle_seconds=handle_seconds,
                target_seconds=target_seconds,
            )
        else:
            result = erlang_a_staffing(
                agents=agents,
                arrivals_per_hour=arrivals_per_hour,
                handle_seconds=handle_seconds,
                target_seconds=target_seconds,
                patience_seconds=patience_seconds,
            )
        if result.service_level >= service_level and result.occupancy <= max_occupancy:
            return result
    raise ValueError("the load needs more agents than a staffing answer covers")
