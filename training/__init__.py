"""The ML package: generated and confirmed training data, fine-tuning, evaluation, artifacts.

Plain library plus a CLI (``python -m training``); imports nothing from the web app. The app
uses only :class:`training.predictor.Classifier`.
"""

from __future__ import annotations

__all__ = ["Classifier", "ModelLoadError", "Prediction"]


def __getattr__(name: str):
    # lazy, so `import training` stays cheap (no torch import until needed)
    if name in __all__:
        from . import predictor

        return getattr(predictor, name)
    raise AttributeError(name)
