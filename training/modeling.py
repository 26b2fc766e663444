"""Model and tokenizer construction (offline only), batching with dynamic padding."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator, Sequence

import numpy as np
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def load_tokenizer(path: str):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(path, local_files_only=True)


def build_model(
    base_model: str,
    num_labels: int,
    id2label: dict[int, str],
    *,
    tiny: bool = False,
    tiny_hidden: int = 64,
    tiny_layers: int = 2,
    tiny_heads: int = 2,
    vocab_size: int | None = None,
):
    """A sequence classifier: the pretrained base, or (``tiny``) a small random BERT."""
    from transformers import AutoModelForSequenceClassification, BertConfig, BertForSequenceClassification

    label2id = {v: k for k, v in id2label.items()}
    if tiny:
        cfg = BertConfig(
            vocab_size=vocab_size or 30522,
            hidden_size=tiny_hidden,
            num_hidden_layers=tiny_layers,
            num_attention_heads=tiny_heads,
            intermediate_size=tiny_hidden * 4,
            max_position_embeddings=512,
            num_labels=num_labels,
            id2label=id2label,
            label2id=label2id,
        )
        return BertForSequenceClassification(cfg)
    return AutoModelForSequenceClassification.from_pretrained(
        base_model,
        num_labels=num_labels,
        id2label=id2label,
        label2id=label2id,
        local_files_only=True,
    )


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def tokenize(tokenizer, texts: Sequence[str], max_length: int) -> list[list[int]]:
    """Token ids without padding (padding happens per batch)."""
    enc = tokenizer(list(texts), truncation=True, max_length=max_length, padding=False)
    return enc["input_ids"]


def length_grouped_batches(
    indices: Sequence[int], lengths: Sequence[int], batch_size: int, group_batches: int, rng: random.Random
) -> list[list[int]]:
    """Batches of similar length (so padding is small) in a random order.

    The (already shuffled) indices are cut into mega-batches of ``group_batches`` batches,
    each sorted by length and chunked; the resulting batches are shuffled.
    """
    mega = max(batch_size, batch_size * group_batches)
    batches: list[list[int]] = []
    for start in range(0, len(indices), mega):
        chunk = sorted(indices[start : start + mega], key=lambda i: lengths[i], reverse=True)
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def collate(ids: list[list[int]], pad_id: int) -> dict[str, torch.Tensor]:
    width = max(len(x) for x in ids)
    input_ids = torch.full((len(ids), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, x in enumerate(ids):
        input_ids[row, : len(x)] = torch.tensor(x, dtype=torch.long)
        mask[row, : len(x)] = 1
    return {"input_ids": input_ids, "attention_mask": mask}


def sorted_batches(lengths: Sequence[int], batch_size: int) -> Iterator[list[int]]:
    """Evaluation order: by length, so each batch pads little."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    for i in range(0, len(order), batch_size):
        yield order[i : i + batch_size]


@torch.inference_mode()
def predict_logits(
    model, ids: list[list[int]], pad_id: int, batch_size: int = 128, device: torch.device | None = None
) -> torch.Tensor:
    """Logits in input order (fp32), batched by length."""
    device = device or next(model.parameters()).device
    out = torch.empty((len(ids), model.config.num_labels), dtype=torch.float32)
    if not ids:
        return out
    was_training = model.training
    model.eval()
    lengths = [len(x) for x in ids]
    for batch in sorted_batches(lengths, batch_size):
        enc = collate([ids[i] for i in batch], pad_id)
        enc = {k: v.to(device) for k, v in enc.items()}
        if device.type == "cuda":
            with torch.autocast("cuda", dtype=torch.bfloat16):
                logits = model(**enc).logits
        else:
            logits = model(**enc).logits
        out[batch] = logits.float().cpu()
    if was_training:
        model.train()
    return out
