"""What matching red flags by meaning adds to an assessment's work, as a ratio.

    python benchmarks/semantic_cost.py --model instance/models/current [--limit 200]

Side by side, one text at a time, on the unseen-wording texts: the baseline is the classifier's
ranking alone (``Classifier.predict``); the project does what ``create_assessment`` does for
meaning: the clauses start embedding on a background thread (``SemanticIndex.prepare``) while
the classifier ranks, then the acuity layer with the semantic index and findings by meaning. Prints p50 / p95 of each and
their ratio, and the RSS after the library's phrase embeddings are in memory. The machine is
noisy: read the ratio, not the milliseconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(ROOT / "instance/models/current"))
    ap.add_argument("--data", default=str(ROOT / "training/heldout/unseen_wording.jsonl"))
    ap.add_argument("--limit", type=int, default=200)
    args = ap.parse_args(argv)

    from app.services.acuity import default_acuity_index, read_person
    from app.services.semantic import semantic_for
    from training.predictor import Classifier

    clf = Classifier.load(args.model)
    semantic = semantic_for(clf)
    if semantic is None:
        raise SystemExit(f"{args.model} has no base encoder: nothing to measure")
    acuity = default_acuity_index()
    texts = [json.loads(line)["text"] for line in Path(args.data).read_text().splitlines() if line.strip()][: args.limit]
    clf.predict(texts[:4])  # warm-up

    from app.services.acuity import fold

    base, full = [], []
    for text in texts:
        t0 = time.perf_counter()
        clf.predict([text], top_k=5)
        t1 = time.perf_counter()
        base.append((t1 - t0) * 1000)
        t0 = time.perf_counter()
        semantic.prepare(text)  # as create_assessment: clauses embedded while the classifier runs
        clf.predict([text], top_k=5)
        acuity.match(text, read_person(text), semantic=semantic)
        folded = fold(text)
        semantic.phrase_status(folded, ["shortness of breath", "chest pain", "fever", "headache", "cough"])
        t2 = time.perf_counter()
        full.append((t2 - t0) * 1000)

    def q(xs, p):
        return statistics.quantiles(xs, n=100)[p - 1]

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(texts)} texts, one at a time, model {args.model}")
    print(f"classifier alone           p50 {q(base, 50):7.1f} ms   p95 {q(base, 95):7.1f} ms")
    print(f"classifier + by meaning    p50 {q(full, 50):7.1f} ms   p95 {q(full, 95):7.1f} ms")
    print(f"ratio                      p50 {q(full, 50) / q(base, 50):7.2f}      p95 {q(full, 95) / q(base, 95):7.2f}")
    print(f"library phrases embedded   {len(semantic.texts)}; peak RSS {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
