"""metrics.json, the PNG plots and MODEL_CARD.md of an artifact."""

from __future__ import annotations

from pathlib import Path

from .artifact import write_json
from .evaluation import plot_confusion, plot_per_class_f1, plot_reliability

SPLIT_TITLES = {
    "validation": "validation (generated, used for early stopping and calibration)",
    "test": "test (generated, held out)",
    "confirmed_holdout": "clinician-confirmed cases (held-out slice)",
    "unseen_wording": "unseen wording (hand-written, never used for training or tuning)",
    "dev_wording": "dev wording (hand-written, used for tuning decisions)",
}


def _fmt(x) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.3f}"
    return str(x)


def _blend_line(blend: dict | None) -> str:
    if not blend:
        return "- no embedding blend: probabilities are the temperature-scaled classifier softmax"
    return (
        f"- blended with the base model's sentence-embedding similarity to each condition's text ({blend['kind']},"
        f" weight {blend['weight']}, chosen on dev wording because it beat the classifier alone there); the blend"
        f' has its own temperature {blend["temperature"]:.3f} fitted on {blend.get("temperature_fitted_on", "validation")}.'
        ' "ECE (raw)" below is the'
        " raw classifier softmax (T=1, no blend)"
    )


def write_reports(root: Path, metrics: dict, label_names: list[str], label_codes: list[str], resolved: dict) -> None:
    splits = metrics["splits"]
    # confusion matrix of the most informative split: unseen wording if present, else test
    cm_split = next((s for s in ("unseen_wording", "test", "validation") if s in splits and splits[s].get("n")), None)
    short = [f"{c}" for c in label_codes]
    if cm_split:
        plot_confusion(
            splits[cm_split]["_confusion_matrix"],
            short,
            root / "confusion_matrix.png",
            f"confusion matrix ({cm_split}, row-normalised)",
        )
    curves = {}
    for s in ("test", "unseen_wording"):
        if s in splits and splits[s].get("n"):
            curves[f"{s}, uncalibrated"] = splits[s]["reliability_uncalibrated"]
            curves[f"{s}, temperature-scaled"] = splits[s]["reliability"]
    if curves:
        plot_reliability(curves, root / "reliability.png", "reliability")
    f1_series = {}
    for s in ("test", "unseen_wording"):
        rep = splits.get(s, {}).get("classification_report")
        if rep:
            f1_series[s] = {
                code: rep.get(name, {}).get("f1-score", 0.0) for name, code in zip(label_names, label_codes)
            }
    if f1_series:
        plot_per_class_f1(f1_series, short, root / "per_class_f1.png")

    out = dict(metrics)
    out["splits"] = {}
    for name, m in splits.items():
        m = dict(m)
        cm = m.pop("_confusion_matrix", None)
        if name == cm_split and cm is not None:
            m["confusion_matrix"] = {"labels": label_codes, "matrix": cm}
        out["splits"][name] = m
    write_json(root / "metrics.json", out)
    (root / "MODEL_CARD.md").write_text(model_card(out, resolved, label_names, label_codes), encoding="utf-8")


def model_card(metrics: dict, resolved: dict, label_names: list[str], label_codes: list[str]) -> str:
    m = resolved.get("model", {})
    o = resolved.get("optim", {})
    lines = [
        f"# Model card: symptom classifier {metrics['version']}",
        "",
        "## Intended use",
        "",
        "Decision support for clinicians and a plain-language self-assessment aid for patients: given a free-text",
        f"description of symptoms it ranks {len(label_codes)} conditions of the project's knowledge base with calibrated",
        "probabilities. It is **not a diagnosis**: a clinician decides, and the app's triage rules (red flags) run",
        "independently of this model. It must not be used for conditions outside its label set, for children's",
        "dosing or emergency decisions, or without a human in the loop.",
        "",
        "## Model",
        "",
        f"- base: `{'tiny random BERT (test/smoke model)' if m.get('tiny') else m.get('base_model')}`",
        f"- sequence classification head, {len(label_codes)} labels, max length {m.get('max_length')} tokens",
        f"- epochs run {metrics.get('epochs_run')} of {o.get('epochs')}, batch {o.get('batch_size')}, lr {o.get('lr')},"
        f" weight decay {o.get('weight_decay')}, warm-up {o.get('warmup_ratio')}, label smoothing {o.get('label_smoothing')},"
        f" seed {resolved.get('seed')}",
        f"- temperature (fitted on validation, NLL): {metrics.get('temperature'):.3f}",
        _blend_line(metrics.get("embedding_blend")),
        f"- training time: {metrics.get('train_seconds', 0):.0f} s of training, {metrics.get('total_seconds', 0):.0f} s in total"
        f" on {metrics.get('device')} ({metrics.get('torch_threads')} threads, world size {metrics.get('world_size')});"
        " timings are noisy on a shared machine"
        + ("; by step: " + ", ".join(f"{k} {v:.0f} s" for k, v in metrics["step_seconds"].items())
           if metrics.get("step_seconds") else ""),
        "",
        "## Data",
        "",
        f"- knowledge base `{resolved['knowledge_base']['source']}` version {resolved['knowledge_base']['version']},"
        f" sha256 `{resolved['knowledge_base']['sha256']}`",
    ]
    for src in resolved.get("data_sources", []):
        if "source" in src:
            lines.append(
                f"- source `{src['source']}` ({src.get('kind')}, n={src.get('n')}), sha256 `{src.get('sha256')}`"
            )
        else:
            lines.append(f"- {src}")
    for key, info in (resolved.get("heldout") or {}).items():
        lines.append(
            f"- {key}: `{info['path']}` n={info['n']} (skipped {info['skipped_unknown_label']} rows with labels"
            f" outside this model), sha256 `{info['sha256']}`"
        )
    lines += [
        "",
        "Generated text comes from the knowledge base's lay phrasings and clinical terms (see `training/generator.py`);",
        "the hand-written held-out sets were never used to write the generator.",
        "",
        "## Metrics",
        "",
        "| split | n | top-1 | top-3 | macro-F1 | ECE (raw) | ECE (calibrated) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, s in metrics["splits"].items():
        if not s.get("n"):
            continue
        lines.append(
            f"| {SPLIT_TITLES.get(name, name)} | {s['n']} | {_fmt(s['accuracy'])} | {_fmt(s['top3_accuracy'])} |"
            f" {_fmt(s['macro_f1'])} | {_fmt(s['ece_uncalibrated'])} | {_fmt(s['ece'])} |"
        )
    uw = metrics["splits"].get("unseen_wording")
    if uw and uw.get("coverage_vs_accuracy"):
        lines += [
            "",
            "Coverage versus accuracy on unseen wording when abstaining below a confidence threshold:",
            "",
            "| threshold | coverage | accuracy |",
            "| --- | --- | --- |",
        ]
        for row in uw["coverage_vs_accuracy"]:
            lines.append(f"| {row['threshold']:.1f} | {_fmt(row['coverage'])} | {_fmt(row['accuracy'])} |")
    lines += [
        "",
        "Targets: unseen wording top-1 >= 0.85, top-3 >= 0.95, ECE <= 0.05 after temperature scaling.",
        "Per-class precision/recall/F1, sensitivity and specificity are in `metrics.json`; plots:",
        "`confusion_matrix.png`, `reliability.png`, `per_class_f1.png`.",
        "",
        "## Limits",
        "",
        "- Trained mostly on synthetic text generated from a hand-written knowledge base: accuracy on generated",
        "  text overstates accuracy on real descriptions; the unseen-wording set (written by other people) is the",
        "  better estimate, and it is small.",
        "- Only the listed conditions exist for the model: anything else is forced onto one of them. Use the",
        "  abstention threshold and the app's red-flag rules.",
        "- Calibration is fitted on generated validation text; on real text confidence may still be too high.",
        "- English only; no lab values, vital signs or images; age and sex only as far as they appear in the text.",
        "",
        "## Labels",
        "",
        ", ".join(f"{n} ({c})" for n, c in zip(label_names, label_codes)),
        "",
    ]
    return "\n".join(lines)
