"""The ML package: generated and confirmed training data, fine-tuning, evaluation, artifacts.

Plain library plus a CLI (``python -m training``, installed as ``diagnosis-train``); imports nothing
from the web app. The app uses :class:`training.predictor.Classifier` (inference), ``training.artifact``
(the artifact contract) and ``training.jobs`` (a training job's files); see docs/ARCHITECTURE.md.
"""

from __future__ import annotations

__all__ = ["Classifier", "ModelLoadError", "Prediction"]


def __getattr__(name: str):
    # lazy, so `import training` stays cheap (no torch import until needed)
    if name in __all__:
        from . import predictor

        return getattr(predictor, name)
    raise AttributeError(name)
