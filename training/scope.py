"""Out of scope: does a description fit any of the known conditions at all?

The score of a text adds two features from the same forward pass as the ranking, each standardised
with its mean and sd on in-scope dev texts: the fit (the embedding's highest similarity to a
condition prototype in blended artifacts; the top probability otherwise) and the classifier's highest
raw logit (SCOPE_FEATURES). Chosen on the dev sets: with the 355-condition default model, AUROC 0.79
(fit alone), 0.85 (minus the entropy alone), 0.87 (fit + minus the entropy, used until round 12); with the
374-condition model, fit + minus the entropy 0.856, fit + the highest raw logit 0.872 (the best pair of
eight features; three features gained at most 0.004, within the noise of 70 out-of-scope dev texts).
Minus the entropy is still computed, and artifacts whose scope.json names it keep using it. The threshold is fitted on development sets only - in-scope ``dev_wording.jsonl`` and
``out_of_scope_dev.jsonl`` (conditions deliberately left out of the knowledge base, written by a
separate author) - so that at most ``max_refused`` of in-scope texts are refused; the test sets
(``unseen_wording.jsonl``, ``out_of_scope_test.jsonl``) are only measured.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

HELDOUT = Path(__file__).with_name("heldout")
MAX_REFUSED = 0.05


def _texts(path: Path, field: str = "text") -> list[str]:
    return [json.loads(line)[field] for line in path.read_text().splitlines() if line.strip()]


SCOPE_FEATURES = ("fit", "max_logit")


def features(clf, texts: list[str]) -> dict[str, np.ndarray]:
    probs, fit, max_logit = clf.proba_fit_and_max_logit(texts)
    return {"fit": fit, "neg_entropy": (probs * np.log(probs + 1e-12)).sum(axis=1), "max_logit": max_logit}


def scores(clf, feats: dict[str, np.ndarray]) -> np.ndarray:
    return np.array([clf.scope_score(f, e, m) for f, e, m in
                     zip(feats["fit"], feats["neg_entropy"], feats["max_logit"], strict=True)])


def auroc(in_scope: np.ndarray, out_scope: np.ndarray) -> float:
    """Probability that an out-of-scope text has a lower fit than an in-scope one."""
    from sklearn.metrics import roc_auc_score

    y = np.r_[np.zeros(len(in_scope)), np.ones(len(out_scope))]
    return float(roc_auc_score(y, -np.r_[in_scope, out_scope]))


def calibrate(model_dir: str | Path, in_scope: Path | None = None, out_scope: Path | None = None,
              max_refused: float = MAX_REFUSED) -> dict:
    """Fit the threshold on the dev sets and write ``scope.json`` into the artifact."""
    from .predictor import SCOPE_FILE, Classifier

    clf = Classifier.load(model_dir)
    feats_in = features(clf, _texts(in_scope or HELDOUT / "dev_wording.jsonl"))
    feats_out = features(clf, _texts(out_scope or HELDOUT / "out_of_scope_dev.jsonl"))
    clf.scope_features = {k: (float(feats_in[k].mean()), float(feats_in[k].std()) or 1.0) for k in SCOPE_FEATURES}
    ins, outs = scores(clf, feats_in), scores(clf, feats_out)
    threshold = float(np.quantile(ins, max_refused))
    info = {
        "threshold": round(threshold, 5),
        "features": {k: [round(m, 6), round(sd, 6)] for k, (m, sd) in clf.scope_features.items()},
        "score": ("standardised sum of the fit (" + ("max prototype similarity" if clf.blend is not None else "top probability")
                  + ") and the highest raw logit"),
        "chosen_on": {"in_scope": str(in_scope or "training/heldout/dev_wording.jsonl"),
                      "out_of_scope": str(out_scope or "training/heldout/out_of_scope_dev.jsonl")},
        "max_refused": max_refused,
        "dev_in_scope_refused": round(float((ins < threshold).mean()), 4),
        "dev_out_of_scope_caught": round(float((outs < threshold).mean()), 4),
        "dev_auroc": round(auroc(ins, outs), 4),
    }
    (Path(model_dir) / SCOPE_FILE).write_text(json.dumps(info, indent=1) + "\n")
    return info


def measure(model_dir: str | Path, in_scope: Path | None = None, out_scope: Path | None = None) -> dict:
    """Test-set numbers for the artifact's threshold (nothing is tuned here)."""
    from .predictor import Classifier

    clf = Classifier.load(model_dir)
    ins = scores(clf, features(clf, _texts(in_scope or HELDOUT / "unseen_wording.jsonl")))
    outs = scores(clf, features(clf, _texts(out_scope or HELDOUT / "out_of_scope_test.jsonl")))
    out = {"n_in_scope": len(ins), "n_out_of_scope": len(outs), "auroc": round(auroc(ins, outs), 4),
           "threshold": clf.scope_threshold}
    if clf.scope_threshold is not None:
        out["in_scope_refused"] = round(float((ins < clf.scope_threshold).mean()), 4)
        out["out_of_scope_caught"] = round(float((outs < clf.scope_threshold).mean()), 4)
    return out
