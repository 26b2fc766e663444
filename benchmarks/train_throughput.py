"""Training throughput: this package's loop versus Hugging Face ``Trainer``, side by side.

Same process, same model weights at the start, same generated data, batch size, max length,
optimizer settings and torch thread count. Each contender runs ``--steps`` optimizer steps
after ``--warmup`` untimed ones; the two alternate ``--rounds`` times and the best round of
each is reported (the machine is shared, so the best round is the least disturbed one).

    python benchmarks/train_throughput.py                 # MiniLM base, 67 conditions
    python benchmarks/train_throughput.py --tiny --steps 40

Prints samples/s for both and the ratio ours / Trainer (> 1: ours is faster).
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--knowledge-base", default=None)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--max-length", type=int, default=80)
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)

    from transformers import DataCollatorWithPadding, Trainer, TrainingArguments

    from training.config import TrainConfig
    from training.data import resolve_knowledge_base
    from training.generator import generate_texts
    from training.modeling import build_model, length_grouped_batches, load_tokenizer, tokenize
    from training.trainer import (
        Optimisation,
        TrainTensors,
        freeze_parameters,
        linear_warmup_decay,
        param_groups,
        run_epoch,
    )

    cfg = TrainConfig(output="unused").resolve()
    cfg.model.tiny = a.tiny
    cfg.optim.batch_size = a.batch_size
    cfg.model.max_length = a.max_length
    kb, _ = resolve_knowledge_base(a.knowledge_base)
    n_samples = a.batch_size * (a.steps + a.warmup)
    per_cond = max(2, n_samples // len(kb.conditions) + 2)
    gen = generate_texts(kb, per_cond, seed=a.seed)
    random.Random(a.seed).shuffle(gen)
    gen = gen[:n_samples]
    codes = sorted({g.label for g in gen})
    code_to_id = {c: i for i, c in enumerate(codes)}
    tok = load_tokenizer(cfg.model.base_model)
    ids = tokenize(tok, [g.text for g in gen], a.max_length)
    y = np.array([code_to_id[g.label] for g in gen])
    w = torch.ones(len(gen))
    lengths = [len(x) for x in ids]
    print(
        f"{len(gen)} texts, mean {np.mean(lengths):.1f} tokens (max {max(lengths)}), batch {a.batch_size}, "
        f"max_length {a.max_length}, {a.threads} threads, model {'tiny' if a.tiny else cfg.model.base_model}"
    )

    torch.manual_seed(a.seed)
    base = build_model(
        cfg.model.base_model, len(codes), {i: c for i, c in enumerate(codes)}, tiny=a.tiny, vocab_size=len(tok)
    )
    if not a.tiny:
        freeze_parameters(base, cfg.optim.freeze_embeddings, cfg.optim.freeze_layers)
    total = a.steps + a.warmup

    def ours() -> float:
        model = copy.deepcopy(base)
        opt = torch.optim.AdamW(param_groups(model, cfg.optim.weight_decay, cfg.optim.lr), lr=cfg.optim.lr)
        sched = linear_warmup_decay(opt, max(1, int(0.06 * total)), total)
        rng = random.Random(a.seed)
        order = list(range(len(ids)))
        rng.shuffle(order)
        batches = length_grouped_batches(order, lengths, a.batch_size, cfg.optim.length_group_size, rng)
        step = Optimisation(model, model, opt, sched, cfg, torch.device("cpu"))
        data = TrainTensors(ids, y, w, tok.pad_token_id)
        run_epoch(step, data, batches[: a.warmup])
        t = time.perf_counter()
        n, _ = run_epoch(step, data, batches[a.warmup : total])
        return n / (time.perf_counter() - t)

    class DS(torch.utils.data.Dataset):
        def __len__(self):
            return len(ids)

        def __getitem__(self, i):
            return {"input_ids": ids[i], "attention_mask": [1] * len(ids[i]), "labels": int(y[i])}

    def hf() -> float:
        model = copy.deepcopy(base)
        stamps: list[float] = []

        from transformers import TrainerCallback

        class Clock(TrainerCallback):
            def on_step_end(self, args, state, control, **kw):
                stamps.append(time.perf_counter())

        with tempfile.TemporaryDirectory() as tmp:
            args = TrainingArguments(
                output_dir=tmp,
                per_device_train_batch_size=a.batch_size,
                max_steps=total,
                learning_rate=cfg.optim.lr,
                weight_decay=cfg.optim.weight_decay,
                warmup_steps=max(1, int(0.06 * total)),
                max_grad_norm=1.0,
                lr_scheduler_type="linear",
                logging_strategy="no",
                save_strategy="no",
                report_to=[],
                dataloader_num_workers=0,
                use_cpu=True,
                seed=a.seed,
                disable_tqdm=True,
                label_smoothing_factor=cfg.optim.label_smoothing,
            )
            trainer = Trainer(
                model=model,
                args=args,
                train_dataset=DS(),
                data_collator=DataCollatorWithPadding(tok),
                callbacks=[Clock()],
            )
            trainer.train()
        # time from the end of the warm-up steps to the end of the last step
        timed = stamps[a.warmup - 1 :]
        return a.batch_size * (len(timed) - 1) / (timed[-1] - timed[0])

    best_ours, best_hf = 0.0, 0.0
    for r in range(a.rounds):
        o = ours()
        h = hf()
        best_ours, best_hf = max(best_ours, o), max(best_hf, h)
        print(f"round {r + 1}: ours {o:.1f} samples/s, HF Trainer {h:.1f} samples/s, ratio {o / h:.2f}")
    print(
        f"best: ours {best_ours:.1f} samples/s, HF Trainer {best_hf:.1f} samples/s, ratio ours/Trainer "
        f"{best_ours / best_hf:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
