"""Callbacks for training keras_gen models."""

from keras_gen.callbacks.terminate_on_non_finite import (
    NonFiniteLossError,
    TerminateOnNonFinite,
)

__all__ = ["NonFiniteLossError", "TerminateOnNonFinite"]
