"""``python -m training {train,evaluate,predict,ensure-default,export-onnx}``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# On a shared CPU, OpenMP threads that spin while waiting slow every step down many times over
# when other processes compete for the cores; passive waiting costs little when the CPU is idle.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m training", description="Train, evaluate and run the symptom classifier."
    )
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="fine-tune a classifier and write a model artifact")
    t.add_argument(
        "--output", required=True, help="artifact directory, or a models folder (artifact goes to DIR/<version>)"
    )
    t.add_argument("--base-model", default=None, help="local BERT directory (default: the bundled all-MiniLM-L6-v2)")
    t.add_argument(
        "--data",
        action="append",
        default=None,
        metavar="SOURCE",
        help="'kb' (generated from the knowledge base) or a .csv/.jsonl file; repeatable (default: kb)",
    )
    t.add_argument("--knowledge-base", default=None, help="knowledge-base JSON (default: knowledge/diseases.json)")
    t.add_argument("--epochs", type=int, default=None)
    t.add_argument("--tiny", action="store_true", help="small random BERT with the real tokenizer (tests, smoke runs)")
    t.add_argument("--resume", action="store_true", help="continue from the last checkpoint of this output")
    t.add_argument("--seed", type=int, default=None)
    t.add_argument("--texts-per-condition", type=int, default=None)
    t.add_argument("--batch-size", type=int, default=None)
    t.add_argument("--max-length", type=int, default=None)
    t.add_argument("--lr", type=float, default=None)
    t.add_argument("--confirmed-weight", type=float, default=None, help="training weight of clinician-confirmed cases")
    t.add_argument("--text-column", default="text")
    t.add_argument("--label-column", default="label")
    t.add_argument(
        "--unseen-wording", default=None, help="hand-written test set (default: training/heldout/unseen_wording.jsonl)"
    )
    t.add_argument(
        "--dev-wording", default=None, help="hand-written dev set (default: training/heldout/dev_wording.jsonl)"
    )
    t.add_argument(
        "--embed-blend",
        type=float,
        default=None,
        help="weight of embedding similarity blended into predictions (default: choose on dev wording; 0: off)",
    )
    t.add_argument("--set-current", action="store_true", help="point DIR/current at the new version")
    t.add_argument("--checkpoint-dir", default=None)
    t.add_argument("--keep-checkpoints", action="store_true")
    t.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    t.add_argument("--no-progress", action="store_true")
    t.add_argument("--no-onnx", action="store_true", help="skip the ONNX serving graph (the app then serves with PyTorch)")
    t.add_argument(
        "--result-json",
        default=None,
        metavar="FILE",
        help="also write the outcome as JSON to FILE: artifact, version, headline metrics (or error)",
    )
    t.add_argument("--stop-after-epoch", type=int, default=None, help=argparse.SUPPRESS)  # test hook

    e = sub.add_parser("evaluate", help="metrics of a model on a labelled .csv/.jsonl file")
    e.add_argument("--model", required=True)
    e.add_argument("--data", required=True)
    e.add_argument("--text-column", default="text")
    e.add_argument("--label-column", default="label")
    e.add_argument("--details", action="store_true", help="add the per-class report")
    e.add_argument("--backend", choices=("auto", "onnx", "torch"), default=None, help=BACKEND_HELP)

    pr = sub.add_parser("predict", help="ranked conditions for each TEXT, as JSON")
    pr.add_argument("--model", required=True)
    pr.add_argument("--top-k", type=int, default=5)
    pr.add_argument("--backend", choices=("auto", "onnx", "torch"), default=None, help=BACKEND_HELP)
    pr.add_argument("texts", nargs="+", metavar="TEXT")

    d = sub.add_parser("ensure-default", help="train the default model unless MODELS_DIR/current is valid")
    d.add_argument("--models-dir", default="instance/models")
    d.add_argument("--force", action="store_true")

    sc = sub.add_parser("calibrate-scope", help="fit the out-of-scope threshold on the dev sets (writes scope.json)")
    sc.add_argument("--model", required=True)
    sc.add_argument("--in-scope", default=None, help="in-scope dev texts (default: training/heldout/dev_wording.jsonl)")
    sc.add_argument("--out-of-scope", default=None, help="out-of-scope dev texts (default: training/heldout/out_of_scope_dev.jsonl)")
    sc.add_argument("--max-refused", type=float, default=0.05, help="share of in-scope dev texts that may be refused")
    ms = sub.add_parser("measure-scope", help="out-of-scope AUROC and refusal rates on the test sets (tunes nothing)")
    ms.add_argument("--model", required=True)
    ms.add_argument("--in-scope", default=None, help="default: training/heldout/unseen_wording.jsonl")
    ms.add_argument("--out-of-scope", default=None, help="default: training/heldout/out_of_scope_test.jsonl")

    x = sub.add_parser("export-onnx", help="add the ONNX serving graph to an existing artifact (checked against PyTorch)")
    x.add_argument("--model", required=True)
    x.add_argument("--fp32", action="store_true", help="keep the embedder fp32 (default: int8 if the dev set allows)")
    return p


BACKEND_HELP = "inference engine (default: MODEL_BACKEND, else auto = ONNX Runtime when the artifact has model.onnx)"


def _load_classifier(path: str, backend: str | None = None):
    """The artifact's Classifier, or None after printing why it cannot be loaded."""
    from .predictor import Classifier, ModelLoadError

    try:
        return Classifier.load(path, backend=backend)
    except ModelLoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def config_from_args(a: argparse.Namespace):
    from .config import TrainConfig

    cfg = TrainConfig(output=a.output)
    if a.base_model:
        cfg.model.base_model = a.base_model
    cfg.model.tiny = a.tiny
    if a.data:
        cfg.data.sources = a.data
    cfg.data.knowledge_base = a.knowledge_base
    for attr, target, name in (
        ("epochs", cfg.optim, "epochs"),
        ("seed", cfg, "seed"),
        ("texts_per_condition", cfg.data, "texts_per_condition"),
        ("batch_size", cfg.optim, "batch_size"),
        ("max_length", cfg.model, "max_length"),
        ("lr", cfg.optim, "lr"),
        ("confirmed_weight", cfg.data, "confirmed_weight"),
        ("unseen_wording", cfg.data, "unseen_wording"),
        ("dev_wording", cfg.data, "dev_wording"),
        ("embed_blend", cfg, "embed_blend"),
        ("checkpoint_dir", cfg, "checkpoint_dir"),
        ("threads", cfg, "num_threads"),
    ):
        value = getattr(a, attr)
        if value is not None:
            setattr(target, name, value)
    cfg.data.text_column, cfg.data.label_column = a.text_column, a.label_column
    cfg.resume, cfg.set_current, cfg.keep_checkpoints = a.resume, a.set_current, a.keep_checkpoints
    cfg.progress = not a.no_progress
    cfg.export_onnx = not a.no_onnx
    cfg.stop_after_epoch = a.stop_after_epoch
    return cfg


def cmd_train(a: argparse.Namespace) -> int:
    from knowledge import KnowledgeBaseError

    from .artifact import headline, write_json
    from .data import DataError
    from .trainer import TrainingInterrupted, checkpoint_dir_for, train

    def finish(rc: int, outcome: dict) -> int:
        """Say how the run ended on stderr/stdout and, with --result-json, in that file (machine-readable)."""
        if a.result_json and (rc != 0 or outcome.get("version")):
            write_json(Path(a.result_json), {"returncode": rc, **outcome})
        return rc

    def failed(rc: int, message: str) -> int:
        print(message, file=sys.stderr)
        return finish(rc, {"error": message.strip()})

    cfg = config_from_args(a)
    try:
        result = train(cfg)
    except (DataError, KnowledgeBaseError, FileNotFoundError, ValueError) as exc:
        return failed(2, f"error: {exc}")
    except TrainingInterrupted as exc:
        return failed(130, f"interrupted after epoch {exc.epoch}; checkpoint {exc.checkpoint} - rerun with --resume")
    except KeyboardInterrupt:
        ckpt = checkpoint_dir_for(cfg) / "last.pt"
        where = f"last checkpoint {ckpt} - rerun with --resume" if ckpt.exists() else "no checkpoint yet"
        return failed(130, f"\ninterrupted; {where}")
    if not result.version:  # not rank 0
        return 0
    outcome = {
        "artifact": str(result.artifact),
        "version": result.version,
        "train_seconds": round(result.metrics["train_seconds"], 1),
        "total_seconds": round(result.seconds, 1),
        "metrics": headline(result.metrics),
    }
    print(json.dumps(outcome, indent=2))
    print(f"artifact written to {result.artifact} in {result.seconds:.0f} s", file=sys.stderr)
    return finish(0, outcome)


def cmd_evaluate(a: argparse.Namespace) -> int:
    import numpy as np

    from .data import DataError, load_labeled_file
    from .evaluation import compute_metrics

    clf = _load_classifier(a.model, a.backend)
    if clf is None:
        return 2
    # labels may be a name, alias or code of the model's conditions
    index: dict[str, str] = {}
    try:
        cfg = json.loads((Path(a.model) / "training_config.json").read_text())
        from knowledge import load_knowledge_base  # noqa: F401 - aliases from the KB when available

        from .data import resolve_knowledge_base

        kb, _ = resolve_knowledge_base(cfg.get("data", {}).get("knowledge_base"))
        index.update(kb.label_index())
    except Exception:  # noqa: BLE001 - fall back to the model's own names and codes
        pass
    for name, code in clf.labels:
        index[name.lower()] = code
        index[code.lower()] = code
    try:
        examples = load_labeled_file(a.data, index, a.text_column, a.label_column)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    code_to_id = {code: i for i, (_, code) in enumerate(clf.labels)}
    outside = sorted({e.label for e in examples if e.label not in code_to_id})
    if outside:
        print(f"error: {a.data}: labels not in this model: {', '.join(outside)}", file=sys.stderr)
        return 2
    y = np.array([code_to_id[e.label] for e in examples])
    probs = clf.predict_proba([e.text for e in examples])
    logits = np.log(np.clip(probs, 1e-12, None))  # calibrated already: T=1 on log-probs
    raw_logits = clf.logits([e.text for e in examples])
    m = compute_metrics(logits, y, [n for n, _ in clf.labels], 1.0, detailed=a.details)
    m.pop("_confusion_matrix", None)
    m.pop("temperature", None)
    m["ece_uncalibrated"] = compute_metrics(raw_logits, y, [n for n, _ in clf.labels], 1.0, detailed=False)["ece"]
    m["temperature"] = clf.temperature
    m["model_version"] = clf.version
    m["backend"] = clf.backend
    print(json.dumps(m, indent=None if not a.details else 2))
    return 0


def cmd_predict(a: argparse.Namespace) -> int:
    clf = _load_classifier(a.model, a.backend)
    if clf is None:
        return 2
    preds = clf.predict(a.texts, top_k=a.top_k)
    print(
        json.dumps(
            {
                "model_version": clf.version,
                "predictions": [
                    {"text_index": i, "differential": [p._asdict() for p in row]} for i, row in enumerate(preds)
                ],
            },
            indent=2,
        )
    )
    return 0


def cmd_ensure_default(a: argparse.Namespace) -> int:
    from .default_model import ensure_default_model

    path = ensure_default_model(a.models_dir, force=a.force)
    print(str(path))
    return 0


def cmd_export_onnx(a: argparse.Namespace) -> int:
    from .predictor import ModelLoadError

    try:
        from .onnx_export import export_artifact

        info = export_artifact(a.model, _dev_check_set(a.model), int8_embedder=not a.fp32)
    except (ModelLoadError, ImportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(info, indent=2))
    return 0


def _dev_check_set(model_dir: str):
    """(texts, label ids) of the model's dev-wording set, for the int8-embedder check; None if absent."""
    import numpy as np

    from .data import load_heldout, resolve_knowledge_base

    try:
        cfg = json.loads((Path(model_dir) / "training_config.json").read_text())
        labels = [entry["icd10"] for entry in cfg["labels"]]
        kb, _ = resolve_knowledge_base(cfg.get("data", {}).get("knowledge_base"))
        examples, _, _ = load_heldout(cfg.get("data", {}).get("dev_wording"), "dev_wording.jsonl", kb.label_index())
    except Exception:  # noqa: BLE001 - no check set: the embedder stays fp32
        return None
    code_to_id = {code: i for i, code in enumerate(labels)}
    known = [e for e in examples if e.label in code_to_id]
    if not known:
        return None
    return [e.text for e in known], np.array([code_to_id[e.label] for e in known])


def cmd_calibrate_scope(a: argparse.Namespace) -> int:
    from pathlib import Path

    from .predictor import ModelLoadError
    from .scope import calibrate

    try:
        info = calibrate(a.model, Path(a.in_scope) if a.in_scope else None,
                         Path(a.out_of_scope) if a.out_of_scope else None, a.max_refused)
    except (ModelLoadError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(info, indent=1))
    return 0


def cmd_measure_scope(a: argparse.Namespace) -> int:
    from pathlib import Path

    from .predictor import ModelLoadError
    from .scope import measure

    try:
        info = measure(a.model, Path(a.in_scope) if a.in_scope else None, Path(a.out_of_scope) if a.out_of_scope else None)
    except (ModelLoadError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(info, indent=1))
    return 0


COMMANDS = {
    "calibrate-scope": cmd_calibrate_scope,
    "measure-scope": cmd_measure_scope,
    "train": cmd_train,
    "evaluate": cmd_evaluate,
    "predict": cmd_predict,
    "ensure-default": cmd_ensure_default,
    "export-onnx": cmd_export_onnx,
}


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    a = _parser().parse_args(argv)
    return COMMANDS[a.command](a)
