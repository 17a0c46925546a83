"""Benchmark of the knowledge-base search: accuracy on the labelled questions and latency at scale.

It builds a fresh database, writes the demo service company's articles from
`tests/data/knowledge/articles.json`, and reports top-1 and top-3 accuracy over the labelled
questions (`questions.tsv`, and the held-out `questions_holdout.tsv` that was never tuned
against). Then it adds synthetic distractor articles up to N (default 10,000), made of the same
vocabulary (sentences of the real articles shuffled, titles of random words from them), and
reports accuracy again and the latency of every labelled question as a client (p50, p95, max).

    python bench/knowledge.py --database-url sqlite            # SQLite file
    python bench/knowledge.py                                  # PostgreSQL (default)

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/deskline_bench_knowledge"


def _setup(database_url: str) -> None:
    if database_url == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        os.environ["DESKLINE_DATA_DIR"] = tempfile.mkdtemp(prefix="deskline-bench-")
    else:
        parsed = urlparse(database_url)
        import psycopg

        with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
            name = parsed.path.lstrip("/")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "deskline.settings"
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _distractors(count: int, seed: int = 17) -> int:
    """Add `count` published public articles built from the real articles' sentences."""
    from django.db import connection

    from deskline.knowledge.markdown import render_markdown
    from deskline.knowledge.models import Article, ArticleAudience, ArticleState
    from deskline.knowledge.search import index_rebuild

    rng = random.Random(seed)
    real = list(Article.objects.values_list("title", "body", "language"))
    sentences = [
        s.strip() for _, body, _ in real for s in body.replace("\n", " ").split(".") if s.strip()
    ]
    vocabulary = sorted({w for title, _, _ in real for w in title.split() if len(w) > 3})
    rows = []
    for n in range(count):
        title = " ".join(rng.sample(vocabulary, 4)) + f" {rng.choice('ABCDEFGHKM')}-{n % 977}"
        body = ". ".join(rng.sample(sentences, 6)) + "."
        rows.append(Article(title=title, body=body, body_html=render_markdown(body),
                            language=rng.choice(["ru", "en"]), state=ArticleState.PUBLISHED,
                            audience=ArticleAudience.PUBLIC))  # fmt: skip
    Article.objects.bulk_create(rows, batch_size=1000)
    done = index_rebuild()
    if connection.vendor == "postgresql":  # what autovacuum would do after a bulk import
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return done


def _accuracy(label: str, client: object, loaded: dict) -> None:
    from tests.knowledge.labelled import evaluate

    for name in ("questions.tsv", "questions_holdout.tsv"):
        score = evaluate(client, loaded, name)
        print(
            f"{label:<24}{name:<24}{score.total:>6}{score.top1_rate:>9.1%}{score.top3_rate:>9.1%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    _setup(args.database_url)

    from tests.knowledge.labelled import load_articles, questions

    from deskline.accounts.models import Role, User
    from deskline.clients.models import Company, Contact
    from deskline.knowledge.search import search

    admin = User.objects.create(username="bench-admin", role=Role.ADMIN)
    client = User.objects.create(username="bench-client", role=Role.CONTACT)
    Contact.objects.create(name="Client", company=Company.objects.create(name="Shop"), user=client)
    loaded = load_articles(admin)
    print(f"{'corpus':<24}{'questions':<24}{'n':>6}{'top-1':>9}{'top-3':>9}")
    _accuracy(f"{len(loaded)} articles", client, loaded)
    started = time.perf_counter()
    total = len(loaded) + _distractors(args.articles - len(loaded)) - len(loaded)
    print(f"indexed {total} articles in {time.perf_counter() - started:.1f} s")
    _accuracy(f"{total} articles", client, loaded)

    asked = [q for q, _ in questions()] + [q for q, _ in questions("questions_holdout.tsv")]
    for q in asked[:20]:  # warm caches (stemmer, database pages)
        search(user=client, text=q, limit=10)
    times, cpu = [], []
    load_before = os.getloadavg()[0]
    for q in asked:
        started, started_cpu = time.perf_counter(), time.process_time()
        search(user=client, text=q, limit=10)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"latency at {total} articles over {len(times)} questions (a client's search, top 10): "
          f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms; "
          f"this process's CPU p50 {statistics.median(cpu):.1f} ms; load average "
          f"{load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    print(f"reproduce: python bench/knowledge.py --database-url {args.database_url} "
          f"--articles {args.articles}")  # fmt: skip


if __name__ == "__main__":
    main()
