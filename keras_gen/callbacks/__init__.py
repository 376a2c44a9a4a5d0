"""Callbacks for training keras_gen models."""

from keras_gen.callbacks.checkpoint import Checkpoint
from keras_gen.callbacks.evaluate import Evaluate
from keras_gen.callbacks.image_grid import ImageGrid
from keras_gen.callbacks.terminate_on_non_finite import (
    NonFiniteLossError,
    TerminateOnNonFinite,
)
from keras_gen.callbacks.training_monitor import TrainingMonitor, TrainingWarning

__all__ = [
    "Checkpoint",
    "Evaluate",
    "ImageGrid",
    "NonFiniteLossError",
    "TerminateOnNonFinite",
    "TrainingMonitor",
    "TrainingWarning",
]
