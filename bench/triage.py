"""Benchmark of triage: training time and prediction latency at scale, memory, and the report.

Synthetic tickets (default 100,000) in Russian- and English-like words: 40 categories, each
with its own topic words among shared filler words, 5% of the labels flipped. It prints

- the training time of one field model (TF-IDF word and character n-grams into a calibrated
  linear SVM, the same code `deskline triage train` runs) on the tickets;
- its held-out accuracy and expected calibration error, and the coverage at 98% precision;
- the prediction latency per ticket on one core (p50, p95): the four field models as
  `ticket_create` runs them, and the tone of a message;
- the memory the web process gains when it loads the four models and the tone model
  (measured in a fresh process: resident set size before and after);
- with `--report`, the triage report of an installation (its database from DATABASE_URL or
  DESKLINE_DATA_DIR): per field, each model version's held-out accuracy and ECE over time,
  and what agents did with the suggestions (applied, suggested, accepted, corrected,
  dismissed), with the share of applied values nobody corrected.

    python bench/triage.py                       # 100,000 synthetic tickets
    python bench/triage.py --tickets 20000       # quicker
    python bench/triage.py --report --skip-train # only the report of the installation

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

LATIN = "bcdfghklmnprstvz"
CYRILLIC = "бвгдзклмнпрстфх"
VOWELS = ("aeiou", "аеиоуы")


def _word(rng: random.Random, cyrillic: bool) -> str:
    consonants, vowels = (CYRILLIC, VOWELS[1]) if cyrillic else (LATIN, VOWELS[0])
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))


def synthetic(count: int, *, labels: int = 40, seed: int = 7) -> tuple[list[str], list[str]]:
    """Ticket texts and their labels: topic words of the label among shared filler words."""
    rng = random.Random(seed)
    filler = [_word(rng, i % 2 == 0) for i in range(3000)]
    topics = [[_word(rng, i % 2 == 0) for _ in range(12)] for i in range(labels)]
    texts, values = [], []
    for _ in range(count):
        label = rng.randrange(labels)
        words = rng.sample(topics[label], rng.randint(2, 4)) + rng.sample(
            filler, rng.randint(4, 12)
        )
        if rng.random() < 0.3:  # a word of another topic: realistic confusion
            words.append(rng.choice(topics[rng.randrange(labels)]))
        rng.shuffle(words)
        if rng.random() < 0.05:
            label = rng.randrange(labels)
        texts.append(" ".join(words))
        values.append(f"c{label}")
    return texts, values


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def _peak_mb() -> float:
    """The process's peak resident set size so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_training(count: int) -> bytes:
    from deskline.triage import classifier
    from deskline.triage.training import dump_classifier

    texts, labels = synthetic(count)
    cut = int(count * 0.8)
    started, cpu = time.monotonic(), time.process_time()
    model = classifier.train(texts[:cut], labels[:cut], grid=(classifier.Settings(),))
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    result = classifier.evaluate(model, texts[cut:], labels[cut:])
    # CPU time too: on a shared machine the wall clock counts other people's work.
    print(f"training on {cut:,} synthetic tickets: {seconds:.1f} s ({cpu:.1f} s of CPU), "
          f"peak memory of the process {_peak_mb():.0f} MB")  # fmt: skip
    print(f"held-out ({count - cut:,}): accuracy {result.accuracy:.4f}, ECE {result.ece:.4f}, "
          f"coverage at 98% precision {result.coverage_98:.1%}")  # fmt: skip
    artefact = dump_classifier(model)
    print(f"artefact: {len(artefact) / 1e6:.1f} MB compressed")
    return artefact


def bench_prediction(artefact: bytes, runs: int = 300) -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    from deskline.triage import tone
    from deskline.triage.selectors import load_classifier

    models = [load_classifier(artefact) for _ in range(4)]
    texts, _ = synthetic(runs, seed=99)
    tone.default_model()
    per_ticket, per_tone = [], []
    for text in texts:
        started = time.perf_counter()
        for model in models:
            model.predict([text])
        per_ticket.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        tone.tone_of(text)
        per_tone.append((time.perf_counter() - started) * 1000)
    p50, p95 = _percentiles(per_ticket)
    print(f"prediction, four field models, one core: p50 {p50:.1f} ms, p95 {p95:.1f} ms per ticket")
    p50, p95 = _percentiles(per_tone)
    print(f"tone of a message, one core: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


MEMORY_PROBE = """
import pickle, sys
sys.path.insert(0, {src!r})
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "deskline.settings"
django.setup()
from deskline.triage import tone
from deskline.triage.selectors import load_classifier
before = rss()
artefact = open({path!r}, "rb").read()
models = [load_classifier(artefact) for _ in range(4)]
tone.default_model()
models[0].predict(["warm up"])
print(f"{{before:.0f}} {{rss():.0f}}")
"""


def bench_memory(artefact: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.bin"
        path.write_bytes(artefact)
        env = {**os.environ, "DESKLINE_DATA_DIR": folder}
        probe = MEMORY_PROBE.format(src=str(ROOT / "src"), path=str(path))
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                             env=env, check=True).stdout.split()  # fmt: skip
    before, after = float(out[-2]), float(out[-1])
    print(f"web process memory: {before:.0f} MB without the models, {after:.0f} MB with four "
          f"field models and the tone model (+{after - before:.0f} MB)")  # fmt: skip


def report() -> None:
    from deskline.triage.pages import triage_report

    for line in triage_report():
        print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--report", action="store_true", help="the installation's triage report")
    parser.add_argument("--skip-train", action="store_true", help="no synthetic benchmark")
    args = parser.parse_args()
    print("command: python bench/triage.py " + " ".join(sys.argv[1:]))
    if not args.report:  # the synthetic part needs no database: keep the installation's alone
        os.environ["DESKLINE_DATA_DIR"] = tempfile.mkdtemp(prefix="deskline-bench-")
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
    import django

    django.setup()
    if not args.skip_train:
        artefact = bench_training(args.tickets)
        bench_memory(artefact)
        bench_prediction(artefact)
        del artefact
    if args.report:
        report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
