"""The default model the README's run command needs: trained once, then reused."""

from __future__ import annotations

from pathlib import Path

from .config import TrainConfig


def current_is_valid(models_dir: str | Path) -> bool:
    from .predictor import Classifier, ModelLoadError

    current = Path(models_dir) / "current"
    if not current.exists():
        return False
    try:
        Classifier.load(current)
    except ModelLoadError:
        return False
    return True


# Sized for 355-374 conditions on 2 CPU cores: the 67-condition default (80 texts, 3 epochs, 80 tokens)
# would take ~5x longer. Per-condition texts, epochs and length were cut to keep the first run
# near 15 minutes (README "Measured" has the times and accuracies of this choice).
DEFAULT_TEXTS_PER_CONDITION = 40
DEFAULT_EPOCHS = 2
DEFAULT_MAX_LENGTH = 64


def default_config(models_dir: str | Path) -> TrainConfig:
    """MiniLM on generated text, sized to train in about 15 minutes on 2 CPU cores."""
    cfg = TrainConfig(output=str(models_dir), set_current=True)
    cfg.data.texts_per_condition = DEFAULT_TEXTS_PER_CONDITION
    cfg.optim.epochs = DEFAULT_EPOCHS
    cfg.model.max_length = DEFAULT_MAX_LENGTH
    return cfg


def ensure_default_model(models_dir: str | Path, *, force: bool = False, config: TrainConfig | None = None) -> Path:
    """Train the default model into ``models_dir`` and point ``current`` at it, unless a
    valid ``current`` exists. Returns the path of ``current``."""
    models_dir = Path(models_dir)
    current = models_dir / "current"
    if not force and current_is_valid(models_dir):
        _add_onnx_export(current)
        return current
    from .trainer import train

    models_dir.mkdir(parents=True, exist_ok=True)
    cfg = config or default_config(models_dir)
    cfg.output, cfg.set_current = str(models_dir), True
    print(f"training the default model into {models_dir} (progress below; about 15 minutes on 2 CPU cores)")
    result = train(cfg)
    print(f"default model {result.version} ready in {result.seconds:.0f} s")
    return current


def _add_onnx_export(current: Path) -> None:
    """A model trained before the ONNX serving path gets its graphs now (~15 s), once."""
    from .predictor import EXPORT_INFO, ModelLoadError

    if (current / EXPORT_INFO).is_file():
        return
    print(f"adding the ONNX serving graphs to {current.resolve().name} (faster, smaller app; once)")
    try:
        from .cli import _dev_check_set
        from .onnx_export import export_artifact

        export_artifact(current, _dev_check_set(str(current)))
    except (ImportError, ModelLoadError, RuntimeError) as exc:
        print(f"warning: no ONNX export ({exc}); the app will serve this model with PyTorch")
