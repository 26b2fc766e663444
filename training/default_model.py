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


def default_config(models_dir: str | Path) -> TrainConfig:
    """MiniLM on generated text, sized to train in about 10 minutes on 2 CPU cores."""
    return TrainConfig(output=str(models_dir), set_current=True)


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
    print(f"training the default model into {models_dir} (progress below; about 10 minutes on 2 CPU cores)")
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
