"""The guard every model adds to `fit()`: stop with an error when a loss becomes NaN or infinite."""

import math
import threading

import keras
import numpy as np

from keras_gen import data_check


class NonFiniteLossError(FloatingPointError):
    """Raised when a training loss becomes NaN or infinite."""


class TerminateOnNonFinite(keras.callbacks.Callback):
    """Raises `NonFiniteLossError` when any logged `*loss` is NaN or infinite.

    Every keras_gen model adds this callback to `fit()` unless the caller
    passed one already. Unlike `keras.callbacks.TerminateOnNaN`, it checks
    every loss a model logs (`d_loss`, `g_loss`, `kl_loss`, ...) and raises an
    error naming the loss, the epoch and the batch, so a script cannot carry
    on with broken weights.

    The check does not make Keras wait for each step's losses: on JAX and
    PyTorch it runs on Keras' callback threads, where a non-finite loss stops
    training at once and the error is raised at the end of that epoch, before
    later callbacks' `on_epoch_end` (keras_gen models run this guard first).
    On TensorFlow, the error is raised at the batch itself.

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

    # Async-safe: on JAX and PyTorch, Keras then runs the batch-end checks on
    # a pool of threads while the next steps run, instead of waiting for every
    # step's losses (a synchronous guard stalls a GPU at every step).
    # Those checks can finish out of order, so a non-finite loss found there
    # only stops training; the earliest one is raised at the end of the epoch,
    # when Keras has waited for every check and before any epoch-end callback
    # after this one (keras_gen models put the guard first) can save the
    # broken weights. Checks in fit()'s own thread (TensorFlow, or a
    # synchronous callback in the list) raise at once.
    async_safe = True

    def __init__(self, suggestion=None):
        super().__init__()
        self.suggestion = suggestion
        self._epoch = 0
        self._fit_thread = None
        self._training_model = None
        self._lock = threading.Lock()
        self._earliest = None  # (batch, error) found on the pool this epoch

    def on_train_begin(self, logs=None):
        self._fit_thread = threading.get_ident()
        self._training_model = self.model
        self._earliest = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        error = self._check(batch, logs)
        if error is None:
            return
        if self._fit_thread in (None, threading.get_ident()):
            self.handle_non_finite(error)
            return
        with self._lock:
            if self._earliest is None or batch < self._earliest[0]:
                self._earliest = (batch, error)
        # Not `self.model`: on JAX that property syncs the training state.
        self._training_model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        with self._lock:
            earliest, self._earliest = self._earliest, None
        if earliest is not None:
            self.handle_non_finite(earliest[1])
        # The epoch's data-check findings: not for the history or TensorBoard.
        findings = {
            key: (logs or {}).pop(key, None)
            for key in (data_check.LOG_KEY, f"val_{data_check.LOG_KEY}")
        }
        problem = self._data_problem(findings[f"val_{data_check.LOG_KEY}"])
        if problem:
            self.handle_non_finite(
                data_check.BadBatchError(
                    f"Training stopped at epoch {epoch + 1}: a batch of the "
                    f"validation data does not suit the model: {problem}"
                )
            )

    def on_test_batch_end(self, batch, logs=None):
        (logs or {}).pop(data_check.LOG_KEY, None)

    def _data_problem(self, values):
        """What the data check's findings say is wrong, or None."""
        if values is None or self._training_model is None:
            return None
        # One copy to the host: iterating the tensor would run an op per value.
        values = np.asarray(keras.ops.convert_to_numpy(values), dtype="float64")
        if not values[: len(data_check.FINDINGS)].any():
            return None  # the usual case, decided without describing
        return data_check.describe(values.tolist(), self._training_model)

    def handle_non_finite(self, error):
        """Called with the `NonFiniteLossError` of the first bad batch; raises it.

        Subclasses override it to react differently (`TrainingMonitor` can
        warn and stop instead).
        """
        raise error

    def _first(self, batch):
        """A hint when the very first step already fails."""
        if self._epoch == 0 and batch == 0:
            return (
                " It failed at the first step, which points at the objective "
                "(a custom loss or penalty: does it take a log of zero or a "
                "negative number?) or at the data, rather than at training "
                "that diverged."
            )
        return ""

    def _check(self, batch, logs):
        """The error for a batch the data check flags or the first non-finite
        `*loss` in `logs`, or None. Removes the data check from `logs`."""
        problem = self._data_problem((logs or {}).pop(data_check.LOG_KEY, None))
        if problem:
            return data_check.BadBatchError(
                f"Training stopped at epoch {self._epoch + 1}, batch {batch + 1}: "
                f"the batch does not suit the model: {problem} The model has "
                "trained on it, so resume from your last checkpoint once the data "
                "are fixed. (`compile(check_data=False)` turns this check off.)"
            )
        for name, value in (logs or {}).items():
            if not name.endswith("loss"):
                continue
            try:
                value = float(value)
            except (TypeError, ValueError):
                continue
            if not math.isfinite(value):
                advice = f" {self.suggestion}" if self.suggestion else ""
                return NonFiniteLossError(
                    f"Training stopped: `{name}` became {value} at epoch "
                    f"{self._epoch + 1}, batch {batch + 1}. The weights after "
                    "this step are no longer finite, so resume from your last "
                    f"checkpoint rather than this model.{advice}{self._first(batch)}"
                )
        return None
