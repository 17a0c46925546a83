"""Benchmark of triage: training time and prediction latency at scale, memory, and the report.

Synthetic tickets (default 100,000) in Russian- and English-like words: 40 categories, each
with its own topic words among shared filler words, 5% of the labels flipped. It prints

- the training time of one field model (TF-IDF word and character n-grams into a calibrated
  linear SVM, the same code `deskline triage train` runs) on the tickets;
- its held-out accuracy and expected calibration error, and the coverage at 98% precision;
- the tone of a message's latency;
- for four field models (category and three derived values on the same tickets): the memory
  a fresh web process gains when it loads them and the tone model and predicts once (resident
  set size before and after), and the prediction latency per ticket on one core (p50, p95) as
  `ticket_create` runs them; both for the scikit-learn classifiers and for the compact
  NumPy-only form the web process loads (`triage/compact.py`), side by side;
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
    from deskline.triage.compact import split_artefact

    part = split_artefact(artefact)[0] or b""
    print(f"artefact: {len(artefact) / 1e6:.1f} MB compressed, of which the compact scoring "
          f"form {len(part) / 1e6:.1f} MB")  # fmt: skip
    return artefact


def bench_tone(runs: int = 300) -> None:
    from deskline.triage import tone

    texts, _ = synthetic(runs, seed=99)
    tone.default_model()
    per_tone = []
    for text in texts:
        started = time.perf_counter()
        tone.tone_of(text)
        per_tone.append((time.perf_counter() - started) * 1000)
    p50, p95 = _percentiles(per_tone)
    print(f"tone of a message: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


def field_artefacts(count: int, category: bytes) -> list[bytes]:
    """Four field models on the same tickets, as `deskline triage train` makes them: the
    category model (40 values) and three more with the values of type (4), team (8) and
    priority (3), derived from the category."""
    from deskline.triage import classifier
    from deskline.triage.training import dump_classifier

    texts, labels = synthetic(count)
    cut = int(count * 0.8)
    artefacts = [category]
    for values in (4, 8, 3):
        derived = [f"v{int(label[1:]) % values}" for label in labels[:cut]]
        model = classifier.train(texts[:cut], derived, grid=(classifier.Settings(),))
        artefacts.append(dump_classifier(model))
    return artefacts


#: A fresh process (no Django request served): RSS after `django.setup()`, then after loading
#: the four field models and the tone model and predicting one ticket; then the latency of the
#: four models per ticket on one core. `full` loads the scikit-learn classifiers (as before the
#: compact form, and as an artefact without it still loads), `compact` the NumPy-only form.
MEMORY_PROBE = """
import os, statistics, sys, time
sys.path.insert(0, {src!r})
sys.path.insert(0, {root!r})
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "deskline.settings"
django.setup()
from deskline.triage import tone
from deskline.triage.selectors import load_classifier, load_full_classifier
os.sched_setaffinity(0, {{min(os.sched_getaffinity(0))}})  # one core
load = load_full_classifier if {mode!r} == "full" else load_classifier
before = rss()
models = [load(open(path, "rb").read()) for path in {paths!r}]
tone.default_model()
for model in models:
    model.predict(["warm up"])
after = rss()
heavy = ",".join(m for m in ("sklearn", "scipy") if m in sys.modules) or "none"
from bench.triage import synthetic
texts, _ = synthetic({runs}, seed=99)
times = []
for text in texts:
    started = time.perf_counter()
    for model in models:
        model.predict([text])
    times.append((time.perf_counter() - started) * 1000)
times.sort()
print(f"{{before:.0f}} {{after:.0f}} {{statistics.median(times):.2f}} "
      f"{{times[int(len(times) * 0.95) - 1]:.2f}} {{heavy}} {{type(models[0]).__name__}}")
"""


def bench_memory(artefacts: list[bytes], runs: int = 300) -> None:
    """Memory and latency of the four field models, the scikit-learn form against the compact
    one, each in its own fresh process (side by side, on the same artefacts)."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, artefact in enumerate(artefacts):
            path = Path(folder) / f"model{i}.bin"
            path.write_bytes(artefact)
            paths.append(str(path))
        env = {**os.environ, "DESKLINE_DATA_DIR": folder}
        results = {}
        for mode in ("full", "compact"):
            probe = MEMORY_PROBE.format(src=str(ROOT / "src"), root=str(ROOT), paths=paths,
                                        mode=mode, runs=runs)  # fmt: skip
            out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                 env=env, check=True).stdout.split()  # fmt: skip
            results[mode] = out[-6:]
    sizes = ", ".join(f"{len(a) / 1e6:.1f}" for a in artefacts)
    print(f"four models (artefacts {sizes} MB), a fresh Django process:")
    for mode, (before, after, p50, p95, heavy, kind) in results.items():
        grown = float(after) - float(before)
        print(f"  {mode:<8} ({kind}): {before} MB without the models, {after} MB with them and "
              f"the tone model, predicting once (+{grown:.0f} MB); four models per ticket on one "
              f"core p50 {p50} ms, p95 {p95} ms; sklearn/scipy loaded: {heavy}")  # fmt: skip
    full = float(results["full"][1]) - float(results["full"][0])
    compact = float(results["compact"][1]) - float(results["compact"][0])
    print(f"  memory added: compact {compact:.0f} MB against {full:.0f} MB "
          f"({compact / full:.2f} of it)")  # fmt: skip


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
        bench_tone()
        print("the category model loaded four times (the worst case: 40 values each):")
        bench_memory([artefact] * 4)
        bench_memory(field_artefacts(args.tickets, artefact))
        del artefact
    if args.report:
        report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
