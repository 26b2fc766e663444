"""The fine-tuning run: data, an explicit training loop, evaluation, the artifact.

The loop is deliberately plain: AdamW (no decay on bias / LayerNorm), linear warm-up then
decay, gradient clipping, length-grouped batches with dynamic padding, validation macro-F1
after every epoch for early stopping, a checkpoint with optimizer state after every epoch
(written atomically, so Ctrl-C never leaves a half file), ``--resume`` from it.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from . import distributed
from .artifact import is_models_folder, new_version, write_artifact, write_json
from .config import TrainConfig
from .data import Example, build_splits, load_heldout, resolve_knowledge_base, sha256_file
from .evaluation import compute_metrics, ece, fit_temperature, reliability_bins, softmax
from .modeling import (
    build_model,
    collate,
    length_grouped_batches,
    load_tokenizer,
    predict_logits,
    seed_everything,
    tokenize,
)

log = logging.getLogger("training")

CHECKPOINT_FILE = "last.pt"
BEST_FILE = "best.pt"


class TrainingInterrupted(KeyboardInterrupt):
    """Raised on Ctrl-C (or the test hook); the last checkpoint stays usable."""

    def __init__(self, checkpoint: Path | None, epoch: int):
        super().__init__(f"interrupted after epoch {epoch}")
        self.checkpoint = checkpoint
        self.epoch = epoch


@dataclass
class RunResult:
    artifact: Path
    version: str
    metrics: dict
    seconds: float
    history: list[dict] = field(default_factory=list)


def _f(x) -> str:
    return "-" if x is None else f"{x:.4f}"


def checkpoint_dir_for(cfg: TrainConfig) -> Path:
    if cfg.checkpoint_dir:
        return Path(cfg.checkpoint_dir)
    out = Path(cfg.output)
    if is_models_folder(out, cfg.set_current):
        return out / ".train-state"
    return out.parent / f".{out.name}.train-state"


def _atomic_save(obj, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def param_groups(model: torch.nn.Module, weight_decay: float, lr: float, head_lr_multiplier: float = 1.0) -> list[dict]:
    """AdamW groups: weight decay on weights only (not on biases or LayerNorm parameters); the new
    classification head (and pooler) may learn faster than the pretrained body, so that a few
    hundred CPU steps are enough."""
    groups: dict[tuple[bool, bool], list] = {}
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        no_decay = name.endswith("bias") or "LayerNorm" in name or "layer_norm" in name or "layernorm" in name.lower()
        head = name.startswith(("classifier", "bert.pooler", "pooler"))
        groups.setdefault((no_decay, head), []).append(p)
    return [
        {
            "params": ps,
            "weight_decay": 0.0 if no_decay else weight_decay,
            "lr": lr * (head_lr_multiplier if head else 1.0),
        }
        for (no_decay, head), ps in sorted(groups.items())
    ]


def linear_warmup_decay(optimizer, warmup_steps: int, total_steps: int):
    def factor(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / max(1, warmup_steps)
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup_steps))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def _epoch_batches(n: int, lengths: list[int], cfg: TrainConfig, epoch: int, ctx) -> list[list[int]]:
    """This rank's batches for an epoch: DistributedSampler order, then length grouping."""
    from torch.utils.data import DistributedSampler

    sampler = DistributedSampler(range(n), num_replicas=ctx.world_size, rank=ctx.rank, shuffle=True, seed=cfg.seed)
    sampler.set_epoch(epoch)
    indices = list(iter(sampler))
    rng = random.Random(cfg.seed * 1000 + epoch)
    return length_grouped_batches(indices, lengths, cfg.optim.batch_size, cfg.optim.length_group_size, rng)


def _progress(total: int, desc: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(
        total=total, desc=desc, unit="batch", disable=not enabled, dynamic_ncols=True, leave=False, file=sys.stderr
    )


def _class_weights_tensor(examples: list[Example]) -> torch.Tensor:
    return torch.tensor([e.weight for e in examples], dtype=torch.float32)


@dataclass
class Optimisation:
    """What every optimisation step needs: the model (and its DDP wrapper, or itself), the
    optimiser, the learning-rate schedule, the device and the run's settings."""

    ddp_model: torch.nn.Module
    model: torch.nn.Module
    optimizer: torch.optim.Optimizer
    scheduler: object
    cfg: TrainConfig
    device: torch.device


@dataclass
class TrainTensors:
    """The encoded training set: token ids, label ids, per-example loss weights, pad id."""

    ids: list[list[int]]
    y: np.ndarray
    w: torch.Tensor
    pad_id: int


def run_epoch(
    opt: Optimisation, data: TrainTensors, batches, bar=None, log_every: int = 0, say=print
) -> tuple[int, float]:
    """One pass over ``batches``: forward, weighted loss, backward, clip, step. Returns (samples, loss sum)."""
    opt.ddp_model.train()
    device, optim_cfg = opt.device, opt.cfg.optim
    autocast = device.type == "cuda"
    trainable = [p for p in opt.model.parameters() if p.requires_grad]
    t0, n, loss_sum = time.time(), 0, 0.0
    for step, batch in enumerate(batches):
        enc = collate([data.ids[i] for i in batch], data.pad_id)
        enc = {k: v.to(device) for k, v in enc.items()}
        y = torch.as_tensor(data.y[batch], device=device)
        w = data.w[batch].to(device)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=autocast):
            logits = opt.ddp_model(**enc).logits
        loss_each = torch.nn.functional.cross_entropy(
            logits.float(), y, reduction="none", label_smoothing=optim_cfg.label_smoothing
        )
        loss = (loss_each * w).sum() / w.sum()
        opt.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, optim_cfg.max_grad_norm)
        opt.optimizer.step()
        opt.scheduler.step()
        n += len(batch)
        loss_sum += float(loss.detach()) * len(batch)
        rate = n / max(1e-6, time.time() - t0)
        if bar is not None:
            bar.update(1)
            if step % 5 == 0 or step == len(batches) - 1:
                bar.set_postfix(loss=f"{loss_sum / n:.3f}", samples_s=f"{rate:.1f}")
        if log_every and (step + 1) % log_every == 0:
            say(f"  step {step + 1}/{len(batches)}: loss {loss_sum / n:.4f}, {rate:.1f} samples/s")
    return n, loss_sum


def freeze_parameters(model, freeze_embeddings: bool, freeze_layers: int) -> None:
    """Keep the pretrained word embeddings (and optionally the lowest layers) fixed.

    Why: cheaper steps on a CPU, and the lexical knowledge of the pretrained model is what
    lets it map wording it never saw in generated text onto the right symptoms.
    """
    base = getattr(model, model.base_model_prefix, None)
    if base is None:
        return
    if freeze_embeddings:
        for p in base.embeddings.parameters():
            p.requires_grad = False
    for layer in list(base.encoder.layer)[:freeze_layers]:
        for p in layer.parameters():
            p.requires_grad = False


def train(cfg: TrainConfig) -> RunResult:
    """Run one training job end to end; returns the artifact path and metrics (rank 0)."""
    cfg.resolve()
    t0 = time.time()
    ctx = distributed.setup()
    try:
        return _train(cfg, ctx, t0)
    finally:
        distributed.teardown(ctx)


def _train(cfg: TrainConfig, ctx, t0: float) -> RunResult:
    if cfg.num_threads:
        torch.set_num_threads(cfg.num_threads)
    seed_everything(cfg.seed)
    say = print if ctx.is_main else (lambda *a, **k: None)

    # -- data ------------------------------------------------------------------------------
    kb, kb_source = resolve_knowledge_base(cfg.data.knowledge_base)
    splits = build_splits(
        cfg.data.sources,
        kb,
        seed=cfg.seed,
        texts_per_condition=cfg.data.texts_per_condition,
        val_fraction=cfg.data.val_fraction,
        test_fraction=cfg.data.test_fraction,
        confirmed_weight=cfg.data.confirmed_weight,
        confirmed_holdout_fraction=cfg.data.confirmed_holdout_fraction,
        text_column=cfg.data.text_column,
        label_column=cfg.data.label_column,
    )
    present = {e.label for e in splits.train}
    conditions = [c for c in kb.conditions if c.icd10 in present]
    label_codes = [c.icd10 for c in conditions]
    label_names = [c.name for c in conditions]
    code_to_id = {code: i for i, code in enumerate(label_codes)}
    say(
        f"data: {len(splits.train)} train / {len(splits.val)} val / {len(splits.test)} test"
        f" / {len(splits.confirmed_holdout)} confirmed held-out, {len(label_codes)} conditions ({kb_source})"
    )

    # -- model -----------------------------------------------------------------------------
    tokenizer = load_tokenizer(cfg.model.base_model)
    id2label = {i: n for i, n in enumerate(label_names)}
    model = build_model(
        cfg.model.base_model,
        len(label_codes),
        id2label,
        tiny=cfg.model.tiny,
        tiny_hidden=cfg.model.tiny_hidden,
        tiny_layers=cfg.model.tiny_layers,
        tiny_heads=cfg.model.tiny_heads,
        vocab_size=len(tokenizer),
    )
    if not cfg.model.tiny:
        freeze_parameters(model, cfg.optim.freeze_embeddings, cfg.optim.freeze_layers)
    model.to(ctx.device)
    pad_id = tokenizer.pad_token_id or 0

    def encode(examples: list[Example]) -> tuple[list[list[int]], np.ndarray]:
        ids = tokenize(tokenizer, [e.text for e in examples], cfg.model.max_length) if examples else []
        return ids, np.array([code_to_id[e.label] for e in examples if e.label in code_to_id], dtype=np.int64)

    train_ids, train_y = encode(splits.train)
    train_w = _class_weights_tensor(splits.train)
    val_examples = [e for e in splits.val if e.label in code_to_id]
    val_ids, val_y = encode(val_examples)
    lengths = [len(x) for x in train_ids]

    ddp_model = model
    if ctx.enabled:
        ddp_model = torch.nn.parallel.DistributedDataParallel(
            model, device_ids=[ctx.local_rank] if ctx.device.type == "cuda" else None
        )

    optimizer = torch.optim.AdamW(
        param_groups(model, cfg.optim.weight_decay, cfg.optim.lr, cfg.optim.head_lr_multiplier), lr=cfg.optim.lr
    )
    steps_per_epoch = math.ceil(math.ceil(len(train_ids) / ctx.world_size) / cfg.optim.batch_size)
    total_steps = steps_per_epoch * cfg.optim.epochs
    scheduler = linear_warmup_decay(optimizer, int(cfg.optim.warmup_ratio * total_steps), total_steps)

    # -- checkpoints / resume --------------------------------------------------------------
    ckpt_dir = checkpoint_dir_for(cfg)
    start_epoch, best_f1, bad_epochs, history = 0, -1.0, 0, []
    fingerprint = cfg.data_fingerprint()
    if cfg.resume:
        path = ckpt_dir / CHECKPOINT_FILE
        if not path.is_file():
            raise FileNotFoundError(f"--resume: no checkpoint at {path}")
        state = torch.load(path, map_location="cpu", weights_only=False)
        if state.get("fingerprint") != fingerprint:
            raise ValueError(f"--resume: checkpoint {path} was made with different data/model settings")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        start_epoch, best_f1, bad_epochs = state["epoch"], state["best_f1"], state["bad_epochs"]
        history = state["history"]
        torch.set_rng_state(state["torch_rng"])
        say(f"resumed from {path} after epoch {start_epoch}")
    elif ctx.is_main and ckpt_dir.exists():
        shutil.rmtree(ckpt_dir)
    if ctx.is_main:
        ckpt_dir.mkdir(parents=True, exist_ok=True)
    ctx.barrier()

    # -- loop ------------------------------------------------------------------------------
    train_start = time.time()
    samples_seen = 0
    last_epoch = start_epoch
    stopped_early = False
    for epoch in range(start_epoch, cfg.optim.epochs):
        if bad_epochs >= cfg.optim.patience:
            stopped_early = True
            break
        batches = _epoch_batches(len(train_ids), lengths, cfg, epoch, ctx)
        bar = _progress(len(batches), f"epoch {epoch + 1}/{cfg.optim.epochs}", cfg.progress and ctx.is_main)
        ep_t = time.time()
        try:
            ep_n, loss_sum = run_epoch(
                Optimisation(ddp_model, model, optimizer, scheduler, cfg, ctx.device),
                TrainTensors(train_ids, train_y, train_w, pad_id),
                batches,
                bar,
                say=say,
                log_every=max(1, len(batches) // 5) if ctx.is_main and not cfg.progress else 0,
            )
        finally:
            bar.close()
        samples_seen += ep_n * ctx.world_size

        # validation (every rank computes the same numbers, so they agree on early stopping)
        val_logits = predict_logits(model, val_ids, pad_id, cfg.optim.eval_batch_size, ctx.device).numpy()
        vm = compute_metrics(val_logits, val_y, label_names, detailed=False) if len(val_y) else {"macro_f1": 0.0}
        improved = vm.get("macro_f1", 0.0) > best_f1 + 1e-4
        if improved:
            best_f1, bad_epochs = vm["macro_f1"], 0
        else:
            bad_epochs += 1
        row = {
            "epoch": epoch + 1,
            "train_loss": loss_sum / max(1, ep_n),
            "val_macro_f1": vm.get("macro_f1"),
            "val_accuracy": vm.get("accuracy"),
            "samples_per_s": ep_n * ctx.world_size / max(1e-6, time.time() - ep_t),
            "lr": scheduler.get_last_lr()[0],
        }
        history.append(row)
        say(
            f"epoch {epoch + 1}: loss {row['train_loss']:.4f}, val macro-F1 {_f(row['val_macro_f1'])}, "
            f"val acc {_f(row['val_accuracy'])}, {row['samples_per_s']:.1f} samples/s"
        )
        if ctx.is_main:
            if improved:
                _atomic_save({"model": model.state_dict(), "epoch": epoch + 1}, ckpt_dir / BEST_FILE)
            _atomic_save(
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "epoch": epoch + 1,
                    "best_f1": best_f1,
                    "bad_epochs": bad_epochs,
                    "history": history,
                    "torch_rng": torch.get_rng_state(),
                    "fingerprint": fingerprint,
                },
                ckpt_dir / CHECKPOINT_FILE,
            )
        ctx.barrier()
        last_epoch = epoch + 1
        if cfg.stop_after_epoch is not None and epoch + 1 >= cfg.stop_after_epoch and epoch + 1 < cfg.optim.epochs:
            raise TrainingInterrupted(ckpt_dir / CHECKPOINT_FILE, epoch + 1)
    train_seconds = time.time() - train_start

    if (ckpt_dir / BEST_FILE).is_file():
        model.load_state_dict(torch.load(ckpt_dir / BEST_FILE, map_location="cpu", weights_only=False)["model"])
    ctx.barrier()
    if not ctx.is_main:
        return RunResult(Path(cfg.output), "", {}, time.time() - t0, history)

    # -- evaluation ------------------------------------------------------------------------
    model.eval()
    label_index = kb.label_index()
    val_logits = predict_logits(model, val_ids, pad_id, cfg.optim.eval_batch_size, ctx.device).numpy()
    temperature = fit_temperature(val_logits, val_y) if len(val_y) else 1.0

    eval_sets: dict[str, list[Example]] = {
        "validation": val_examples,
        "test": [e for e in splits.test if e.label in code_to_id],
    }
    holdout = [e for e in splits.confirmed_holdout if e.label in code_to_id]
    if holdout:
        eval_sets["confirmed_holdout"] = holdout
    heldout_info = {}
    for key, default_name, cfg_path in (
        ("unseen_wording", "unseen_wording.jsonl", cfg.data.unseen_wording),
        ("dev_wording", "dev_wording.jsonl", cfg.data.dev_wording),
    ):
        ex, skipped, p = load_heldout(cfg_path, default_name, label_index)
        ex_known = [e for e in ex if e.label in code_to_id]
        skipped += len(ex) - len(ex_known)
        if p:
            heldout_info[key] = {
                "path": p,
                "sha256": sha256_file(p),
                "n": len(ex_known),
                "skipped_unknown_label": skipped,
            }
        if ex_known:
            eval_sets[key] = ex_known

    logits_by_split: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, examples in eval_sets.items():
        ids, y = encode(examples)
        lg = (
            val_logits
            if name == "validation"
            else predict_logits(model, ids, pad_id, cfg.optim.eval_batch_size, ctx.device).numpy()
        )
        logits_by_split[name] = (lg, y)

    blend = None
    if cfg.embed_blend or (cfg.embed_blend is None and not cfg.model.tiny and "dev_wording" in logits_by_split):
        from .blend import choose_blend

        blend = choose_blend(
            cfg, kb, conditions, tokenizer, logits_by_split, eval_sets, temperature, say, train_examples=splits.train
        )

    metrics: dict = {"splits": {}}
    for name, (lg, y) in logits_by_split.items():
        if blend is None:
            metrics["splits"][name] = compute_metrics(lg, y, label_names, temperature)
            continue
        m = compute_metrics(blend.apply(lg, eval_sets[name], temperature), y, label_names, blend.temperature)
        # "uncalibrated" always means the raw classifier softmax (T=1, no blend)
        raw = softmax(lg, 1.0)
        m["ece_uncalibrated"] = ece(raw, y)
        m["reliability_uncalibrated"] = reliability_bins(raw, y)
        metrics["splits"][name] = m

    version = new_version()
    seconds = time.time() - t0
    metrics.update(
        {
            "version": version,
            "temperature": temperature,
            "class_balance": splits.class_balance(label_codes),
            "history": history,
            "train_seconds": train_seconds,
            "total_seconds": seconds,
            "train_samples_per_s": samples_seen / max(1e-6, train_seconds) if samples_seen else None,
            "epochs_run": last_epoch,
            "stopped_early": stopped_early,
            "best_val_macro_f1": best_f1,
            "device": str(ctx.device),
            "world_size": ctx.world_size,
            "torch_threads": torch.get_num_threads(),
            "heldout": heldout_info,
            "embedding_blend": None
            if blend is None
            else {
                "kind": blend.kind,
                "weight": blend.weight,
                "temperature": blend.temperature,
                "chosen_on": "dev_wording",
            },
        }
    )
    resolved = cfg.to_dict()
    resolved.update(
        {
            "version": version,
            "knowledge_base": {"source": kb_source, "version": kb.version, "sha256": kb.sha256},
            "data_sources": splits.sources,
            "heldout": heldout_info,
            "labels": [{"name": n, "icd10": c} for n, c in zip(label_names, label_codes)],
            "torch_version": torch.__version__,
        }
    )

    from .report import write_reports

    def fill(tmp: Path) -> None:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        write_json(
            tmp / "labels.json",
            {str(i): {"name": n, "icd10": c} for i, (n, c) in enumerate(zip(label_names, label_codes))},
        )
        calib = {
            "method": "temperature_scaling",
            "temperature": temperature,
            "fitted_on": "validation",
            "n": int(len(val_y)),
            "objective": "nll",
        }
        if blend is not None:
            calib["embedding_blend"] = blend.save(tmp)
        write_json(tmp / "calibration.json", calib)
        write_json(tmp / "training_config.json", resolved)
        write_reports(tmp, metrics, label_names, label_codes, resolved)
        if cfg.export_onnx:
            check = None
            if "dev_wording" in eval_sets:  # where an int8 embedder must keep the blended accuracy
                check = ([e.text for e in eval_sets["dev_wording"]], logits_by_split["dev_wording"][1])
            _export_serving_graph(tmp, model, tokenizer, blend, temperature, check, cfg.model.max_length, say)

    artifact = write_artifact(Path(cfg.output), version, fill, set_current=cfg.set_current)
    if not cfg.keep_checkpoints:
        shutil.rmtree(ckpt_dir, ignore_errors=True)
    if not cfg.model.tiny:
        _calibrate_scope(artifact, say)
    return RunResult(artifact, version, metrics, time.time() - t0, history)


def _calibrate_scope(artifact: Path, say) -> None:
    """Fit the out-of-scope threshold on the dev sets (optional: skipped when they are missing)."""
    from .scope import HELDOUT, calibrate

    if not (HELDOUT / "dev_wording.jsonl").is_file() or not (HELDOUT / "out_of_scope_dev.jsonl").is_file():
        say("no out-of-scope dev set: the model will not refuse texts as out of scope")
        return
    info = calibrate(artifact)
    say(f"out-of-scope threshold {info['threshold']} (dev: {info['dev_in_scope_refused']:.1%} in-scope refused, "
        f"{info['dev_out_of_scope_caught']:.1%} out-of-scope caught, AUROC {info['dev_auroc']:.3f})")


def _export_serving_graph(root: Path, model, tokenizer, blend, temperature, check, max_length: int, say) -> None:
    """model.onnx (+ embedder.onnx) for the web app's fast path; without them it serves with PyTorch."""
    from .predictor import EmbeddingBlend, ModelLoadError

    blend_info = None if blend is None else EmbeddingBlend(blend.W, blend.b, blend.weight, scale=1.0)
    try:
        from .onnx_export import export_onnx

        model = model.module if hasattr(model, "module") else model  # unwrap DDP
        info = export_onnx(root, model.cpu(), tokenizer, blend.embedder.cpu() if blend else None, max_length,
                           blend=blend_info, temperature=temperature, check=check)
    except (ImportError, ModelLoadError, RuntimeError) as exc:
        say(f"warning: no ONNX export ({exc}); the app will serve this model with PyTorch")
        return
    say(f"ONNX serving graphs written (max |logit difference| vs PyTorch {info['max_abs_diff_vs_torch']:.1e})")
    if "int8_check" in info.get("embedder", {}):
        c = info["embedder"]["int8_check"]
        say(f"int8 embedder: top-1/top-3 change {c['change_points']} points on {c['texts']} dev texts -> "
            f"{'kept' if info['embedder']['int8'] else 'not used (over the limit); fp32 kept'}")


def config_from_dict(d: dict) -> TrainConfig:
    """Inverse of TrainConfig.to_dict (used by tests and tools)."""
    from .config import DataConfig, ModelConfig, OptimConfig

    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    top = {k: v for k, v in d.items() if k in fields and k not in ("data", "model", "optim")}
    return TrainConfig(
        data=DataConfig(**d.get("data", {})),
        model=ModelConfig(**d.get("model", {})),
        optim=OptimConfig(**d.get("optim", {})),
        **top,
    )
