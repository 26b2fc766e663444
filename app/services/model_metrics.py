"""Headline numbers of a model version and the comparison of two, for the ML pages and `flask models list`.

They read metrics.json as the trainer writes it (training/artifact.py: metrics["splits"][SPLIT][KEY]);
a number the run did not produce is None, never guessed from another layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from training.artifact import metrics_of_split

# (key, label, higher is better, split, key in that split)
_HEADLINE = [
    ("accuracy", "Accuracy", True, "test", "accuracy"),
    ("top3_accuracy", "Top-3 accuracy", True, "test", "top3_accuracy"),
    ("macro_f1", "Macro-F1", True, "test", "macro_f1"),
    ("ece_before", "ECE before calibration", False, "test", "ece_uncalibrated"),
    ("ece", "ECE after calibration", False, "test", "ece"),
    ("unseen_accuracy", "Unseen-wording accuracy", True, "unseen_wording", "accuracy"),
    ("unseen_top3", "Unseen-wording top-3", True, "unseen_wording", "top3_accuracy"),
    ("confirmed_accuracy", "Confirmed-case accuracy", True, "confirmed_holdout", "accuracy"),
]
# (key, label, higher is better): the rows of the versions and compare pages, in order
METRICS = [(key, label, higher) for key, label, higher, _split, _name in _HEADLINE]


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def metric_summary(metrics: dict[str, Any] | None) -> dict[str, float | None]:
    """The headline numbers of a version (None where the run had no such split)."""
    return {key: _number(metrics_of_split(metrics, split).get(name)) for key, _label, _hib, split, name in _HEADLINE}


def per_class_f1(metrics: dict[str, Any] | None) -> dict[str, float]:
    """{condition name: F1} on the test split (sklearn's classification report, averages left out)."""
    report = metrics_of_split(metrics, "test").get("classification_report")
    out: dict[str, float] = {}
    for label, row in (report or {}).items():
        if isinstance(row, dict) and not label.endswith(" avg"):
            f1 = _number(row.get("f1-score"))
            if f1 is not None:
                out[str(label)] = f1
    return out


@dataclass
class Comparison:
    a: Any  # ModelVersion
    b: Any
    rows: list[dict[str, Any]]  # {key, label, a, b, delta, better}
    per_class: list[dict[str, Any]]  # {label, a, b, delta}, largest change first


def compare(a, b) -> Comparison:
    """Metric deltas (b - a) and per-class F1 differences between two versions (rows with .metrics)."""
    sa, sb = metric_summary(a.metrics), metric_summary(b.metrics)
    rows = []
    for key, label, higher_is_better in METRICS:
        va, vb = sa[key], sb[key]
        delta = None if va is None or vb is None else vb - va
        better = None
        if delta is not None and abs(delta) > 1e-9:
            better = (delta > 0) == higher_is_better
        rows.append({"key": key, "label": label, "a": va, "b": vb, "delta": delta, "better": better})
    fa, fb = per_class_f1(a.metrics), per_class_f1(b.metrics)
    per_class = []
    for label in sorted(set(fa) | set(fb)):
        va, vb = fa.get(label), fb.get(label)
        per_class.append({"label": label, "a": va, "b": vb, "delta": None if va is None or vb is None else vb - va})
    per_class.sort(key=lambda r: (r["delta"] is None, -abs(r["delta"] or 0.0), r["label"]))
    return Comparison(a=a, b=b, rows=rows, per_class=per_class)
