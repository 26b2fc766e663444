"""The fine-tuning run: data, an explicit training loop, evaluation, the artifact.

The loop is deliberately plain: AdamW (no decay on bias / LayerNorm), linear warm-up then
decay, gradient clipping, length-grouped batches with dynamic padding, validation macro-F1
after every epoch for early stopping, a checkpoint with optimizer state after every epoch
(written atomically, so Ctrl-C never leaves a half file), ``--resume`` from it.
"""

from __future__ import annotations

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
from .artifact import (
    CALIBRATION_FILE,
    LABELS_FILE,
    TRAINING_CONFIG_FILE,
    is_models_folder,
    labels_json,
    new_version,
    write_artifact,
    write_json,
)
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
    """The steps of a run, in order (each below): data, model, resume, loop, evaluate, blend and
    metrics, write. The order matters beyond readability: every step draws from the seeded RNGs."""
    if cfg.num_threads:
        torch.set_num_threads(cfg.num_threads)
    seed_everything(cfg.seed)
    say = print if ctx.is_main else (lambda *a, **k: None)

    steps: dict[str, float] = {}  # wall seconds of each step: where a run's time goes (issue 12's budget)

    def timed(name: str, fn, *args):
        start = time.time()
        out = fn(*args)
        steps[name] = round(time.time() - start, 1)
        return out

    data = timed("data", load_data, cfg, say)
    net = timed("network", build_network, cfg, data, ctx)
    opt = make_optimisation(cfg, net, ctx)
    loop = resume_or_start(cfg, opt, ctx, say)
    loop = timed("training", train_loop, cfg, data, net, opt, loop, ctx, say)
    if (loop.ckpt_dir / BEST_FILE).is_file():
        net.model.load_state_dict(torch.load(loop.ckpt_dir / BEST_FILE, map_location="cpu", weights_only=False)["model"])
    ctx.barrier()
    if not ctx.is_main:
        return RunResult(Path(cfg.output), "", {}, time.time() - t0, loop.history)

    ev = timed("evaluation", evaluate, cfg, data, net, ctx)
    blend = timed("embedding blend", choose_embedding_blend, cfg, data, net, ev, say)
    metrics = split_metrics(data, ev, blend)
    version = new_version()
    metrics.update(run_summary(cfg, data, ev, blend, loop, ctx, version, time.time() - t0))
    metrics["step_seconds"] = dict(steps)
    resolved = resolved_config(cfg, data, ev, version)
    artifact = timed("artifact and ONNX", write_run_artifact, cfg, data, net, ev, blend, metrics, resolved, version, say)
    if not cfg.keep_checkpoints:
        shutil.rmtree(loop.ckpt_dir, ignore_errors=True)
    if not cfg.model.tiny:
        timed("out-of-scope threshold", _calibrate_scope, artifact, say)
    say("time by step: " + ", ".join(f"{k} {v:.0f} s" for k, v in steps.items()))
    return RunResult(artifact, version, metrics, time.time() - t0, loop.history)


# -- 1. data -----------------------------------------------------------------------------------


@dataclass
class RunData:
    """The knowledge base, the split examples and the label set (conditions present in training)."""

    kb: object
    kb_source: str
    splits: object
    conditions: list
    label_codes: list[str]
    label_names: list[str]
    code_to_id: dict[str, int]


def load_data(cfg: TrainConfig, say) -> RunData:
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
    say(
        f"data: {len(splits.train)} train / {len(splits.val)} val / {len(splits.test)} test"
        f" / {len(splits.confirmed_holdout)} confirmed held-out, {len(label_codes)} conditions ({kb_source})"
    )
    return RunData(kb, kb_source, splits, conditions, label_codes, label_names,
                   {code: i for i, code in enumerate(label_codes)})


# -- 2. the network and the encoded data -----------------------------------------------------------


@dataclass
class Network:
    """The model (and its DDP wrapper, or itself), the tokenizer, and the encoded train / validation data."""

    model: torch.nn.Module
    ddp_model: torch.nn.Module
    tokenizer: object
    pad_id: int
    encode: object  # list[Example] -> (token ids, label ids)
    train: TrainTensors
    lengths: list[int]
    val_examples: list[Example]
    val_ids: list[list[int]]
    val_y: np.ndarray


def build_network(cfg: TrainConfig, data: RunData, ctx) -> Network:
    tokenizer = load_tokenizer(cfg.model.base_model)
    id2label = {i: n for i, n in enumerate(data.label_names)}
    model = build_model(
        cfg.model.base_model,
        len(data.label_codes),
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
    code_to_id = data.code_to_id

    def encode(examples: list[Example]) -> tuple[list[list[int]], np.ndarray]:
        ids = tokenize(tokenizer, [e.text for e in examples], cfg.model.max_length) if examples else []
        return ids, np.array([code_to_id[e.label] for e in examples if e.label in code_to_id], dtype=np.int64)

    train_ids, train_y = encode(data.splits.train)
    train_w = _class_weights_tensor(data.splits.train)
    val_examples = [e for e in data.splits.val if e.label in code_to_id]
    val_ids, val_y = encode(val_examples)
    ddp_model = model
    if ctx.enabled:
        ddp_model = torch.nn.parallel.DistributedDataParallel(
            model, device_ids=[ctx.local_rank] if ctx.device.type == "cuda" else None
        )
    return Network(model, ddp_model, tokenizer, pad_id, encode, TrainTensors(train_ids, train_y, train_w, pad_id),
                   [len(x) for x in train_ids], val_examples, val_ids, val_y)


def make_optimisation(cfg: TrainConfig, net: Network, ctx) -> Optimisation:
    """AdamW over the trainable parameters, warm-up then linear decay over every step of the run."""
    optimizer = torch.optim.AdamW(
        param_groups(net.model, cfg.optim.weight_decay, cfg.optim.lr, cfg.optim.head_lr_multiplier), lr=cfg.optim.lr
    )
    steps_per_epoch = math.ceil(math.ceil(len(net.train.ids) / ctx.world_size) / cfg.optim.batch_size)
    total_steps = steps_per_epoch * cfg.optim.epochs
    scheduler = linear_warmup_decay(optimizer, int(cfg.optim.warmup_ratio * total_steps), total_steps)
    return Optimisation(net.ddp_model, net.model, optimizer, scheduler, cfg, ctx.device)


# -- 3. checkpoints and resume ---------------------------------------------------------------------


@dataclass
class LoopState:
    """Where the loop stands (saved in every checkpoint) and what it measured."""

    ckpt_dir: Path
    fingerprint: dict
    start_epoch: int = 0
    best_f1: float = -1.0
    bad_epochs: int = 0
    history: list[dict] = field(default_factory=list)
    last_epoch: int = 0
    samples_seen: int = 0
    stopped_early: bool = False
    train_seconds: float = 0.0


def resume_or_start(cfg: TrainConfig, opt: Optimisation, ctx, say) -> LoopState:
    """Continue from the last checkpoint (--resume, same settings only) or start with an empty checkpoint folder."""
    state = LoopState(checkpoint_dir_for(cfg), cfg.data_fingerprint())
    if cfg.resume:
        path = state.ckpt_dir / CHECKPOINT_FILE
        if not path.is_file():
            raise FileNotFoundError(f"--resume: no checkpoint at {path}")
        saved = torch.load(path, map_location="cpu", weights_only=False)
        if saved.get("fingerprint") != state.fingerprint:
            raise ValueError(f"--resume: checkpoint {path} was made with different data/model settings")
        opt.model.load_state_dict(saved["model"])
        opt.optimizer.load_state_dict(saved["optimizer"])
        opt.scheduler.load_state_dict(saved["scheduler"])
        state.start_epoch, state.best_f1, state.bad_epochs = saved["epoch"], saved["best_f1"], saved["bad_epochs"]
        state.history = saved["history"]
        torch.set_rng_state(saved["torch_rng"])
        say(f"resumed from {path} after epoch {state.start_epoch}")
    elif ctx.is_main and state.ckpt_dir.exists():
        shutil.rmtree(state.ckpt_dir)
    if ctx.is_main:
        state.ckpt_dir.mkdir(parents=True, exist_ok=True)
    ctx.barrier()
    state.last_epoch = state.start_epoch
    return state


def _save_checkpoints(opt: Optimisation, state: LoopState, epoch: int, improved: bool) -> None:
    if improved:
        _atomic_save({"model": opt.model.state_dict(), "epoch": epoch + 1}, state.ckpt_dir / BEST_FILE)
    _atomic_save(
        {
            "model": opt.model.state_dict(),
            "optimizer": opt.optimizer.state_dict(),
            "scheduler": opt.scheduler.state_dict(),
            "epoch": epoch + 1,
            "best_f1": state.best_f1,
            "bad_epochs": state.bad_epochs,
            "history": state.history,
            "torch_rng": torch.get_rng_state(),
            "fingerprint": state.fingerprint,
        },
        state.ckpt_dir / CHECKPOINT_FILE,
    )


# -- 4. the loop -----------------------------------------------------------------------------------


def train_loop(cfg: TrainConfig, data: RunData, net: Network, opt: Optimisation, state: LoopState, ctx,
               say) -> LoopState:
    """Epochs with validation macro-F1 after each (early stopping) and a checkpoint after each."""
    train_start = time.time()
    for epoch in range(state.start_epoch, cfg.optim.epochs):
        if state.bad_epochs >= cfg.optim.patience:
            state.stopped_early = True
            break
        batches = _epoch_batches(len(net.train.ids), net.lengths, cfg, epoch, ctx)
        bar = _progress(len(batches), f"epoch {epoch + 1}/{cfg.optim.epochs}", cfg.progress and ctx.is_main)
        ep_t = time.time()
        try:
            ep_n, loss_sum = run_epoch(
                opt,
                net.train,
                batches,
                bar,
                say=say,
                log_every=max(1, len(batches) // 5) if ctx.is_main and not cfg.progress else 0,
            )
        finally:
            bar.close()
        state.samples_seen += ep_n * ctx.world_size

        # validation (every rank computes the same numbers, so they agree on early stopping)
        val_logits = predict_logits(net.model, net.val_ids, net.pad_id, cfg.optim.eval_batch_size, ctx.device).numpy()
        vm = (compute_metrics(val_logits, net.val_y, data.label_names, detailed=False)
              if len(net.val_y) else {"macro_f1": 0.0})
        improved = vm.get("macro_f1", 0.0) > state.best_f1 + 1e-4
        if improved:
            state.best_f1, state.bad_epochs = vm["macro_f1"], 0
        else:
            state.bad_epochs += 1
        row = {
            "epoch": epoch + 1,
            "train_loss": loss_sum / max(1, ep_n),
            "val_macro_f1": vm.get("macro_f1"),
            "val_accuracy": vm.get("accuracy"),
            "samples_per_s": ep_n * ctx.world_size / max(1e-6, time.time() - ep_t),
            "lr": opt.scheduler.get_last_lr()[0],
        }
        state.history.append(row)
        say(
            f"epoch {epoch + 1}: loss {row['train_loss']:.4f}, val macro-F1 {_f(row['val_macro_f1'])}, "
            f"val acc {_f(row['val_accuracy'])}, {row['samples_per_s']:.1f} samples/s"
        )
        if ctx.is_main:
            _save_checkpoints(opt, state, epoch, improved)
        ctx.barrier()
        state.last_epoch = epoch + 1
        if cfg.stop_after_epoch is not None and epoch + 1 >= cfg.stop_after_epoch and epoch + 1 < cfg.optim.epochs:
            raise TrainingInterrupted(state.ckpt_dir / CHECKPOINT_FILE, epoch + 1)
    state.train_seconds = time.time() - train_start
    return state


# -- 5. evaluation ---------------------------------------------------------------------------------


@dataclass
class Evaluation:
    """Logits of the best model on every evaluation set, and the temperature fitted on validation."""

    temperature: float
    eval_sets: dict[str, list[Example]]
    logits_by_split: dict[str, tuple[np.ndarray, np.ndarray]]
    heldout_info: dict


def evaluate(cfg: TrainConfig, data: RunData, net: Network, ctx) -> Evaluation:
    net.model.eval()
    code_to_id = data.code_to_id
    val_logits = predict_logits(net.model, net.val_ids, net.pad_id, cfg.optim.eval_batch_size, ctx.device).numpy()
    temperature = fit_temperature(val_logits, net.val_y) if len(net.val_y) else 1.0

    eval_sets: dict[str, list[Example]] = {
        "validation": net.val_examples,
        "test": [e for e in data.splits.test if e.label in code_to_id],
    }
    holdout = [e for e in data.splits.confirmed_holdout if e.label in code_to_id]
    if holdout:
        eval_sets["confirmed_holdout"] = holdout
    heldout_info = {}
    label_index = data.kb.label_index()
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
        ids, y = net.encode(examples)
        lg = (
            val_logits
            if name == "validation"
            else predict_logits(net.model, ids, net.pad_id, cfg.optim.eval_batch_size, ctx.device).numpy()
        )
        logits_by_split[name] = (lg, y)
    return Evaluation(temperature, eval_sets, logits_by_split, heldout_info)


# -- 6. embedding blend and metrics ----------------------------------------------------------------


def choose_embedding_blend(cfg: TrainConfig, data: RunData, net: Network, ev: Evaluation, say):
    """The blend with the base model's sentence embeddings, if asked for or chosen on dev wording (else None)."""
    if not (cfg.embed_blend or (cfg.embed_blend is None and not cfg.model.tiny and "dev_wording" in ev.logits_by_split)):
        return None
    from .blend import choose_blend

    return choose_blend(cfg, data.kb, data.conditions, net.tokenizer, ev.logits_by_split, ev.eval_sets,
                        ev.temperature, say, train_examples=data.splits.train)


def split_metrics(data: RunData, ev: Evaluation, blend) -> dict:
    """metrics["splits"]: calibrated metrics per evaluation set (of the blend, when there is one)."""
    metrics: dict = {"splits": {}}
    for name, (lg, y) in ev.logits_by_split.items():
        if blend is None:
            metrics["splits"][name] = compute_metrics(lg, y, data.label_names, ev.temperature)
            continue
        m = compute_metrics(blend.apply(lg, ev.eval_sets[name], ev.temperature), y, data.label_names, blend.temperature)
        # "uncalibrated" always means the raw classifier softmax (T=1, no blend)
        raw = softmax(lg, 1.0)
        m["ece_uncalibrated"] = ece(raw, y)
        m["reliability_uncalibrated"] = reliability_bins(raw, y)
        metrics["splits"][name] = m
    return metrics


def run_summary(cfg: TrainConfig, data: RunData, ev: Evaluation, blend, loop: LoopState, ctx, version: str,
                seconds: float) -> dict:
    """The rest of metrics.json: version, temperature, class balance, history, timings, device, blend."""
    return {
        "version": version,
        "temperature": ev.temperature,
        "class_balance": data.splits.class_balance(data.label_codes),
        "history": loop.history,
        "train_seconds": loop.train_seconds,
        "total_seconds": seconds,
        "train_samples_per_s": loop.samples_seen / max(1e-6, loop.train_seconds) if loop.samples_seen else None,
        "epochs_run": loop.last_epoch,
        "stopped_early": loop.stopped_early,
        "best_val_macro_f1": loop.best_f1,
        "device": str(ctx.device),
        "world_size": ctx.world_size,
        "torch_threads": torch.get_num_threads(),
        "heldout": ev.heldout_info,
        "embedding_blend": None
        if blend is None
        else {
            "kind": blend.kind,
            "weight": blend.weight,
            "temperature": blend.temperature,
            "temperature_fitted_on": blend.temperature_fitted_on,
            "chosen_on": "dev_wording",
        },
    }


def resolved_config(cfg: TrainConfig, data: RunData, ev: Evaluation, version: str) -> dict:
    """training_config.json: the resolved settings plus version, data sources and their hashes, labels."""
    resolved = cfg.to_dict()
    resolved.update(
        {
            "version": version,
            "knowledge_base": {"source": data.kb_source, "version": data.kb.version, "sha256": data.kb.sha256},
            "data_sources": data.splits.sources,
            "heldout": ev.heldout_info,
            "labels": [{"name": n, "icd10": c} for n, c in zip(data.label_names, data.label_codes)],
            "torch_version": torch.__version__,
        }
    )
    return resolved


# -- 7. the artifact -------------------------------------------------------------------------------


def write_run_artifact(cfg: TrainConfig, data: RunData, net: Network, ev: Evaluation, blend, metrics: dict,
                       resolved: dict, version: str, say) -> Path:
    """Weights, tokenizer, labels, calibration, settings, reports and the ONNX graphs, written atomically."""
    from .report import write_reports

    def fill(tmp: Path) -> None:
        net.model.save_pretrained(tmp)
        net.tokenizer.save_pretrained(tmp)
        write_json(tmp / LABELS_FILE, labels_json(data.label_names, data.label_codes))
        calib = {
            "method": "temperature_scaling",
            "temperature": ev.temperature,
            "fitted_on": "validation",
            "n": int(len(net.val_y)),
            "objective": "nll",
        }
        if blend is not None:
            calib["embedding_blend"] = blend.save(tmp)
        write_json(tmp / CALIBRATION_FILE, calib)
        write_json(tmp / TRAINING_CONFIG_FILE, resolved)
        write_reports(tmp, metrics, data.label_names, data.label_codes, resolved)
        if cfg.export_onnx:
            check = None
            if "dev_wording" in ev.eval_sets:  # where an int8 embedder must keep the blended accuracy
                check = ([e.text for e in ev.eval_sets["dev_wording"]], ev.logits_by_split["dev_wording"][1])
            _export_serving_graph(tmp, net.model, net.tokenizer, blend, ev.temperature, check, cfg.model.max_length, say)

    return write_artifact(Path(cfg.output), version, fill, set_current=cfg.set_current)


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
