"""Triage safety on a held-out set: the 4x4 confusion matrix, emergency sensitivity, under- and over-triage.

    python benchmarks/triage.py                                   # rules only (acuity layer + vitals)
    python benchmarks/triage.py --model instance/models/current   # the whole service: model + rules
    python benchmarks/triage.py --data tests/data/triage_probes.jsonl --json

The default data is ``training/heldout/triage_test.jsonl``, written for issue 11 by a separate
author who saw only a list of conditions and the four levels, never the rules: a test set. Never
choose thresholds or phrases on it (the probe set in ``tests/data`` is for that).

With ``--model`` every vignette goes through ``create_assessment`` (a temporary SQLite database
seeded with the knowledge base, a clinician account): the level a user would see. Without it,
``triage()`` alone: what the safety net gives when the model abstains or is absent.
Targets (issue 11): emergency sensitivity >= 95%, under-triage <= 5%, self-care sent to urgent or
emergency <= 25%.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LEVELS = ("emergency", "urgent", "routine", "self_care")


def load_rows(path: Path) -> list[dict]:
    rows = []
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            level = row.get("level") or row.get("min_level") or row.get("max_level")
            if level not in LEVELS:
                raise SystemExit(f"{path}:{i}: level {level!r} is not one of {', '.join(LEVELS)}")
            rows.append({**row, "level": level})
    return rows


def rules_only(rows: list[dict]) -> list[str]:
    from app.services.triage import triage

    return [triage(r["text"], age=r.get("age"), sex=r.get("sex")).level for r in rows]


def with_model(rows: list[dict], model: str, by_meaning: bool = True) -> list[str]:
    os.environ["APP_CONFIG"] = "testing"
    tmp = Path(tempfile.mkdtemp(prefix="triage-bench-"))
    os.environ["INSTANCE_PATH"] = str(tmp)
    from app import create_app
    from app.services import assessment as svc
    from app.services.seed import seed_diseases
    from knowledge import load_knowledge_base
    from models import User, db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}", "MODEL_DIR": model,
                      "OUTBOX_WORKER": False, "KB_SNAPSHOT_CHECK_SECONDS": 3600,
                      "RED_FLAGS_BY_MEANING": by_meaning})
    levels = []
    with app.app_context():
        db.create_all()
        seed_diseases(load_knowledge_base())
        clinician = User(email="bench@example.org", name="Bench", role="clinician")
        clinician.set_password("not-used-benchmark-only")
        db.session.add(clinician)
        db.session.commit()
        for r in rows:
            d = svc.create_assessment(r["text"], r.get("age"), r.get("sex"), actor=clinician, source="clinician")
            levels.append(d.triage_level)
    return levels


def summarise(rows: list[dict], predicted: list[str]) -> dict:
    matrix = {t: {p: 0 for p in LEVELS} for t in LEVELS}
    for r, p in zip(rows, predicted, strict=True):
        matrix[r["level"]][p] += 1

    def rates(pairs: list[tuple[str, str]]) -> dict:
        n = len(pairs)
        emerg = [p for t, p in pairs if t == "emergency"]
        selfc = [p for t, p in pairs if t == "self_care"]
        under = sum(LEVELS.index(p) > LEVELS.index(t) for t, p in pairs)
        over = sum(LEVELS.index(p) < LEVELS.index(t) for t, p in pairs)
        return {
            "n": n,
            "accuracy": round(sum(t == p for t, p in pairs) / n, 3) if n else None,
            "emergency_n": len(emerg),
            "emergency_sensitivity": round(sum(p == "emergency" for p in emerg) / len(emerg), 3) if emerg else None,
            "under_triage": round(under / n, 3) if n else None,
            "over_triage": round(over / n, 3) if n else None,
            "self_care_n": len(selfc),
            "self_care_to_urgent_or_emergency": round(sum(p in ("emergency", "urgent") for p in selfc) / len(selfc), 3)
            if selfc else None,
        }

    pairs = [(r["level"], p) for r, p in zip(rows, predicted, strict=True)]
    by: dict[str, dict[str, list]] = {"population": defaultdict(list), "voice": defaultdict(list), "in_known_list": defaultdict(list)}
    for r, pair in zip(rows, pairs, strict=True):
        for key in by:
            if key in r:
                by[key][str(r[key])].append(pair)
    missed = [{"text": r["text"][:140], "expected": r["level"], "got": p, "condition": r.get("condition")}
              for r, p in zip(rows, predicted, strict=True) if LEVELS.index(p) > LEVELS.index(r["level"])]
    return {"overall": rates(pairs), "matrix": matrix,
            "by": {k: {g: rates(v) for g, v in sorted(groups.items())} for k, groups in by.items() if groups},
            "under_triaged": missed}


def print_report(summary: dict, mode: str, seconds: float, show_misses: bool = False) -> None:
    o = summary["overall"]
    print(f"Triage benchmark ({mode}, {o['n']} vignettes, {seconds:.1f} s)\n")
    print("true \\ predicted   " + "".join(f"{p:>11}" for p in LEVELS))
    for t in LEVELS:
        print(f"{t:<18}" + "".join(f"{summary['matrix'][t][p]:>11}" for p in LEVELS))
    print()
    def pct(x):
        return "-" if x is None else f"{x:.1%}"

    print(f"emergency sensitivity        {pct(o['emergency_sensitivity'])}  (target >= 95%, n={o['emergency_n']})")
    print(f"under-triage (any too low)   {pct(o['under_triage'])}  (target <= 5%)")
    print(f"self-care -> urgent/emergency {pct(o['self_care_to_urgent_or_emergency'])}  (target <= 25%, n={o['self_care_n']})")
    print(f"over-triage (any too high)   {pct(o['over_triage'])}")
    print(f"exact level                  {pct(o['accuracy'])}")
    for key, groups in summary["by"].items():
        print(f"\nby {key}:")
        print(f"  {'group':<18}{'n':>5}{'emerg sens':>12}{'under':>8}{'over':>8}")
        for g, r in groups.items():
            sens = "-" if r["emergency_sensitivity"] is None else f"{r['emergency_sensitivity']:.0%}"
            print(f"  {g:<18}{r['n']:>5}{sens:>12}{r['under_triage']:>8.0%}{r['over_triage']:>8.0%}")
    if summary.get("under_triaged") and show_misses:
        print(f"\nunder-triaged ({len(summary['under_triaged'])}):")
        for m in summary["under_triaged"]:
            print(f"  {m['expected']:>9} -> {m['got']:<9} {m['condition'] or ''}: {m['text']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT / "training" / "heldout" / "triage_test.jsonl"))
    parser.add_argument("--model", help="a model artifact: run the whole service (default: rules only)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--semantic-threshold", type=float,
                        help="similarity threshold for red flags by meaning (default: app.services.semantic.THRESHOLD)")
    parser.add_argument("--no-semantic", action="store_true", help="match red flags by their words only")
    parser.add_argument("--show-misses", action="store_true",
                        help="list the under-triaged texts (for a dev set; on the test set this invites tuning to it)")
    args = parser.parse_args(argv)
    rows = load_rows(Path(args.data))
    from app.services import semantic

    if args.semantic_threshold is not None:
        semantic.THRESHOLD = args.semantic_threshold
    start = time.perf_counter()
    predicted = with_model(rows, args.model, not args.no_semantic) if args.model else rules_only(rows)
    summary = summarise(rows, predicted)
    if not args.show_misses:
        summary.pop("under_triaged")
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        print_report(summary, f"model {args.model}" if args.model else "rules only", time.perf_counter() - start,
                     args.show_misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
