"""Metrics, temperature scaling and plots.

Everything here works on logits / probabilities and integer label ids, so it is shared by the
training run, ``python -m training evaluate`` and the benchmarks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Temperature minimising validation NLL (LBFGS on log T), clipped to [0.05, 20]."""
    if len(labels) == 0:
        return 1.0
    lg = torch.tensor(logits, dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.long)
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(lg / log_t.exp(), y)
        loss.backward()
        return loss

    opt.step(closure)
    t = float(log_t.exp().item())
    if not math.isfinite(t):
        return 1.0
    return min(max(t, 0.05), 20.0)


def ece(probs: np.ndarray, labels: np.ndarray, n_bins: int = 15) -> float:
    """Expected calibration error of the top-1 confidence (equal-width bins)."""
    if len(labels) == 0:
        return float("nan")
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == labels).astype(float)
    bins = np.linspace(0, 1, n_bins + 1)
    total = 0.0
    for lo, hi in zip(bins[:-1], bins[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            total += m.mean() * abs(correct[m].mean() - conf[m].mean())
    return float(total)


def reliability_bins(probs: np.ndarray, labels: np.ndarray, n_bins: int = 10) -> list[dict]:
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == labels).astype(float)
    bins = np.linspace(0, 1, n_bins + 1)
    out = []
    for lo, hi in zip(bins[:-1], bins[1:]):
        m = (conf > lo) & (conf <= hi)
        out.append(
            {
                "lo": float(lo),
                "hi": float(hi),
                "n": int(m.sum()),
                "accuracy": float(correct[m].mean()) if m.any() else None,
                "confidence": float(conf[m].mean()) if m.any() else None,
            }
        )
    return out


def topk_accuracy(probs: np.ndarray, labels: np.ndarray, k: int) -> float:
    if len(labels) == 0:
        return float("nan")
    k = min(k, probs.shape[1])
    top = np.argsort(-probs, axis=1)[:, :k]
    return float((top == labels[:, None]).any(axis=1).mean())


def coverage_accuracy(probs: np.ndarray, labels: np.ndarray, thresholds: Sequence[float] = THRESHOLDS) -> list[dict]:
    """Accuracy on the texts where the model would not abstain (top-1 probability >= t)."""
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    out = []
    for t in thresholds:
        m = conf >= t
        out.append(
            {
                "threshold": t,
                "coverage": float(m.mean()) if len(m) else float("nan"),
                "accuracy": float(correct[m].mean()) if m.any() else None,
            }
        )
    return out


def compute_metrics(
    logits: np.ndarray, labels: np.ndarray, label_names: list[str], temperature: float = 1.0, *, detailed: bool = True
) -> dict:
    """All metrics of one split; ``ece_uncalibrated`` at T=1, everything else calibrated."""
    from sklearn.metrics import classification_report, confusion_matrix, f1_score

    n = int(len(labels))
    if n == 0:
        return {"n": 0}
    raw = softmax(logits, 1.0)
    probs = softmax(logits, temperature)
    pred = probs.argmax(axis=1)
    ids = list(range(len(label_names)))
    present = sorted(set(labels.tolist()))
    nll = float(-np.log(np.clip(probs[np.arange(n), labels], 1e-12, None)).mean())
    out = {
        "n": n,
        "accuracy": float((pred == labels).mean()),
        "top3_accuracy": topk_accuracy(probs, labels, 3),
        "top5_accuracy": topk_accuracy(probs, labels, 5),
        # macro over the classes present in this split (a held-out set may not cover all)
        "macro_f1": float(f1_score(labels, pred, labels=present, average="macro", zero_division=0)),
        "ece": ece(probs, labels),
        "ece_uncalibrated": ece(raw, labels),
        "nll": nll,
        "temperature": temperature,
    }
    if not detailed:
        return out
    cm = confusion_matrix(labels, pred, labels=ids)
    tp = np.diag(cm).astype(float)
    fn = cm.sum(axis=1) - tp
    fp = cm.sum(axis=0) - tp
    tn = cm.sum() - tp - fn - fp
    per_class = {}
    for i, name in enumerate(label_names):
        if cm[i].sum() == 0 and cm[:, i].sum() == 0:
            continue
        per_class[name] = {
            "sensitivity": float(tp[i] / (tp[i] + fn[i])) if tp[i] + fn[i] else None,
            "specificity": float(tn[i] / (tn[i] + fp[i])) if tn[i] + fp[i] else None,
        }
    out["classification_report"] = classification_report(
        labels, pred, labels=present, target_names=[label_names[i] for i in present], output_dict=True, zero_division=0
    )
    out["per_class"] = per_class
    out["coverage_vs_accuracy"] = coverage_accuracy(probs, labels)
    out["reliability"] = reliability_bins(probs, labels)
    out["reliability_uncalibrated"] = reliability_bins(raw, labels)
    out["_confusion_matrix"] = cm.tolist()
    return out


# -- plots ---------------------------------------------------------------------------------


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


MAX_LABELLED = 70


def plot_confusion(cm: list[list[int]], names: list[str], path: Path, title: str) -> None:
    plt = _plt()
    cm_a = np.asarray(cm, dtype=float)
    rows = cm_a.sum(axis=1, keepdims=True)
    norm = np.divide(cm_a, rows, out=np.zeros_like(cm_a), where=rows > 0)
    # Why the cap: with 300+ conditions a labelled matrix is a 7000-pixel image that takes minutes
    # to draw; past MAX_LABELLED classes the pattern is shown without names (metrics.json has them).
    size = min(max(6.0, 0.18 * len(names) + 3), 16.0)
    fig, ax = plt.subplots(figsize=(size, size))
    im = ax.imshow(norm, cmap="Blues", vmin=0, vmax=1, interpolation="nearest")
    if len(names) <= MAX_LABELLED:
        ax.set_xticks(range(len(names)), names, rotation=90, fontsize=6 if len(names) > 30 else 8)
        ax.set_yticks(range(len(names)), names, fontsize=6 if len(names) > 30 else 8)
    else:
        title = f"{title} ({len(names)} classes, in label order; names in metrics.json)"
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.colorbar(im, fraction=0.03)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_reliability(curves: dict[str, list[dict]], path: Path, title: str) -> None:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], "k--", lw=1, label="perfect")
    for label, bins in curves.items():
        xs = [b["confidence"] for b in bins if b["n"]]
        ys = [b["accuracy"] for b in bins if b["n"]]
        ax.plot(xs, ys, "o-", label=label)
    ax.set_xlabel("confidence (top-1 probability)")
    ax.set_ylabel("accuracy")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_per_class_f1(series: dict[str, dict[str, float]], names: list[str], path: Path) -> None:
    """F1 per class; with many classes only the weakest MAX_LABELLED (by the first series) are drawn."""
    plt = _plt()
    if len(names) > MAX_LABELLED and series:
        first = next(iter(series.values()))
        names = sorted(names, key=lambda n: first.get(n, 0.0))[:MAX_LABELLED]
    fig, ax = plt.subplots(figsize=(max(6.0, 0.22 * len(names) + 2), 4.5))
    width = 0.8 / max(1, len(series))
    for k, (label, values) in enumerate(series.items()):
        xs = [i + k * width for i in range(len(names))]
        ax.bar(xs, [values.get(n, 0.0) for n in names], width=width, label=label)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(names))], names, rotation=90, fontsize=7)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("F1")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
