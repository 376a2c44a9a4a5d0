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

    # Keras may run batch-end callbacks in a background thread when all of them
    # are async-safe, so checking the logs does not stall the next step; an
    # error raised there reaches fit() at the next batch or the epoch's end,
    # before any epoch-end callback (a checkpoint) runs.
    async_safe = True

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
