"""Callbacks for training keras_gen models."""

from keras_gen.callbacks.checkpoint import Checkpoint
from keras_gen.callbacks.evaluate import Evaluate
from keras_gen.callbacks.image_grid import ImageGrid
from keras_gen.callbacks.training_monitor import TrainingMonitor, TrainingWarning
from keras_gen.data_check import BadBatchError
from keras_gen.non_finite import (
    NonFiniteLossError,
    TerminateOnNonFinite,
)

__all__ = [
    "BadBatchError",
    "Checkpoint",
    "Evaluate",
    "ImageGrid",
    "NonFiniteLossError",
    "TerminateOnNonFinite",
    "TrainingMonitor",
    "TrainingWarning",
]
