"""Stops training with an error as soon as a loss becomes NaN or infinite."""

import math

import keras


class NonFiniteLossError(FloatingPointError):
    """Raised when a training loss becomes NaN or infinite."""


class TerminateOnNonFinite(keras.callbacks.Callback):
    """Raises `NonFiniteLossError` when any logged `*loss` is NaN or infinite.

    Every keras_gen model adds this callback to `fit()` unless the caller
    passed one already. Unlike `keras.callbacks.TerminateOnNaN`, it checks
    every loss a model logs (`d_loss`, `g_loss`, `kl_loss`, ...) and raises an
    error naming the loss, the epoch and the batch, so a script cannot carry
    on with broken weights.

    Args:
        suggestion: advice appended to the error message.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    guard = kg.callbacks.TerminateOnNonFinite()
    guard.on_epoch_begin(0)
    guard.on_train_batch_end(0, {"d_loss": 0.7, "g_loss": 0.8})  # fine
    try:
        guard.on_train_batch_end(1, {"d_loss": np.nan, "g_loss": 0.8})
    except kg.callbacks.NonFiniteLossError as error:
        print(error)
    ```
    """

    # Not async-safe on purpose: Keras runs async-safe batch-end callbacks on a
    # pool of threads, in no fixed order, so a check of batch 2 could raise
    # before the check of batch 1 and the error would name the wrong batch
    # (seen on JAX in CI). Checked in order, the error names the first
    # non-finite batch, before any later callback (a checkpoint) runs.
    async_safe = False

    def __init__(self, suggestion=None):
        super().__init__()
        self.suggestion = suggestion
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        for name, value in (logs or {}).items():
            if not name.endswith("loss"):
                continue
            try:
                value = float(value)
            except (TypeError, ValueError):
                continue
            if not math.isfinite(value):
                advice = f" {self.suggestion}" if self.suggestion else ""
                raise NonFiniteLossError(
                    f"Training stopped: `{name}` became {value} at epoch "
                    f"{self._epoch + 1}, batch {batch + 1}. The weights after "
                    "this step are no longer finite, so resume from your last "
                    f"checkpoint rather than this model.{advice}"
                )
