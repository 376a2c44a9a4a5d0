"""Crash-safe checkpoints of the whole training state, and resuming from them."""

import collections
import os
import pathlib
import re
import signal
import time
import warnings

import keras

from keras_gen import backend, validation
from keras_gen.datasets import pipeline
from keras_gen.distribute import is_chief

NAME_PATTERN = re.compile(r"^ckpt-(\d+)(?:-(\d+))?\.keras$")
TEMPORARY_PREFIX = "tmp-"
STOP_SIGNALS = ("SIGTERM", "SIGINT")
WRITE_ERROR_CHOICES = ("warn", "stop")


def now():
    """Seconds on a clock that only goes forward (for `every_minutes`)."""
    return time.monotonic()


class Position(collections.namedtuple("Position", ["epoch", "batch"])):
    """Where a checkpoint was taken: after `epoch` complete epochs and
    `batch` batches of the next one (0 for a checkpoint at an epoch's end)."""

    __slots__ = ()

    @property
    def file_name(self):
        """`ckpt-EEEE.keras` at an epoch's end, `ckpt-EEEE-BBBBBB.keras` within one."""
        if self.batch:
            return f"ckpt-{self.epoch:04d}-{self.batch:06d}.keras"
        return f"ckpt-{self.epoch:04d}.keras"

    def describe(self):
        """The batch training continues at, counted from 1."""
        if self.batch:
            return f"epoch {self.epoch + 1}, batch {self.batch + 1}"
        return f"epoch {self.epoch + 1}"


class Checkpoint(keras.callbacks.Callback):
    """Saves the full training state, resumes from it, and stops on a signal.

    Each checkpoint is a `.keras` file with the networks, both optimizers
    with their state, the EMA weights and the random seed state:
    `directory/ckpt-NNNN.keras` after epoch NNNN, and, with `every_steps`
    or `every_minutes`, `ckpt-NNNN-BBBBBB.keras` after batch BBBBBB of the
    epoch that follows epoch NNNN. It is written to a temporary file and
    then renamed into place (`os.replace`, atomic), so a crash during a
    write never leaves a broken checkpoint under a checkpoint's name. Only
    the newest `keep` are kept.

    **Resume.** When training starts and `directory` holds checkpoints, the
    newest one that loads is loaded into the model. `fit()` continues at
    the next epoch, as `keras.callbacks.BackupAndRestore` does, or, after a
    checkpoint taken within an epoch, at that epoch's next unseen batch:
    the batches before it are read without training. The weights then end
    as an uninterrupted run's, provided the data come in the same order in
    the new process (see `docs/guides/checkpoints.md` for which inputs do).
    The resumed epoch's logged means cover the batches trained after the
    resume. Any checkpoint also loads on its own with
    `keras.models.load_model`.

    **Stopping.** While `fit()` runs, a SIGTERM (what a cloud machine's
    pre-emption and `kill` send) or SIGINT (Ctrl-C) lets the current step
    finish, writes a checkpoint and stops training, printing how to
    resume; a second signal stops at once, the way that signal would
    without this callback.

    **Faults.** `directory` is created and checked for writing when
    training starts, so that a folder that cannot be written fails then. A
    write that fails later (a full disk, a folder made read-only, a
    vanished mount) leaves the previous checkpoints as they were; the
    temporary file is removed, a warning names the error and training goes
    on (`on_write_error="warn"`) or stops (`"stop"`). `failed_writes`
    lists the errors.

    Under `MultiWorkerMirroredStrategy` only the chief writes checkpoints;
    every worker restores from `directory`, which must then be shared.
    There, stop on a signal by TensorFlow's own means
    (`tf.distribute.experimental.PreemptionCheckpointHandler`).

    Why not `BackupAndRestore`: it writes its weights and then its epoch
    number in place. A kill during a write leaves an unreadable file
    (`double_checkpoint=True` keeps the previous pair to fall back on),
    and a kill between the two writes leaves new weights beside the old
    epoch number, a mismatch that no fallback detects. After a save within
    an epoch it resumes at the start of that epoch, training its first
    batches twice. It keeps at most two states and by default deletes them
    when training ends (`delete_checkpoint`).

    Args:
        directory: folder for the checkpoints.
        every: save every this many epochs (and after the last epoch).
            Default 1.
        keep: how many of the newest checkpoints to keep; `None` keeps all.
            Default 3.
        restore: resume from the newest checkpoint in `directory`. Default
            True.
        every_steps: also save every this many batches within an epoch.
            Default `None` (at epochs' ends only).
        every_minutes: also save within an epoch once this many minutes
            have passed since the last save. Default `None`.
        stop_on_signal: checkpoint and stop on SIGTERM and SIGINT, as above.
            Default True.
        on_write_error: `"warn"` (default) to go on training after a failed
            write, `"stop"` to stop training.

    Attributes:
        restored: the `Position` training resumed from, or `None`.
        stopped_by: `"SIGTERM"` or `"SIGINT"` when a signal stopped the last
            `fit()`, else `None`.
        stopped_at: the `Position` of the checkpoint written then.
        failed_writes: the checkpoint writes that failed, with their errors.

    Example:

    ```python
    import tempfile
    import numpy as np
    import keras_gen as kg

    folder = tempfile.mkdtemp()
    images = np.random.uniform(-1, 1, (32, 28, 28, 1)).astype("float32")

    def train(epochs):
        dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
        dcgan.compile()
        return dcgan.fit(images, batch_size=16, epochs=epochs, verbose=0,
                         callbacks=[kg.callbacks.Checkpoint(folder)])

    train(2)
    history = train(3)     # restores ckpt-0002.keras and trains epoch 3 only
    history.epoch          # [2]
    ```
    """

    def __init__(
        self,
        directory,
        every=1,
        keep=3,
        restore=True,
        every_steps=None,
        every_minutes=None,
        stop_on_signal=True,
        on_write_error="warn",
    ):
        super().__init__()
        validation.check_count(every, "every")
        if keep is not None:
            validation.check_count(keep, "keep (or None, to keep all)")
        if every_steps is not None:
            validation.check_count(every_steps, "every_steps (or None)")
        if every_minutes is not None:
            validation.check_positive(every_minutes, "every_minutes (or None)")
        validation.check_flag(restore, "restore")
        validation.check_flag(stop_on_signal, "stop_on_signal")
        validation.check_choice(on_write_error, "on_write_error", WRITE_ERROR_CHOICES)
        self.directory = pathlib.Path(directory)
        self.every = int(every)
        self.keep = keep
        self.restore = restore
        self.every_steps = every_steps
        self.every_minutes = every_minutes
        self.stop_on_signal = stop_on_signal
        self.on_write_error = on_write_error
        self.restored = None
        self.stopped_by = None
        self.stopped_at = None
        self.failed_writes = []
        self._last_saved = None
        self._epoch = None
        self._batches = 0
        self._last_save_time = None
        self._signal_received = None
        self._previous_handlers = {}

    def checkpoints(self):
        """The complete checkpoints in `directory`, as `{Position: path}` in
        training order."""
        found = {}
        if self.directory.is_dir():
            for path in self.directory.iterdir():
                match = NAME_PATTERN.match(path.name)
                if match:
                    position = Position(int(match.group(1)), int(match.group(2) or 0))
                    found[position] = path
        return dict(sorted(found.items()))

    # --- Resume -------------------------------------------------------------

    def _remove_temporaries(self):
        for path in self.directory.glob(f"{TEMPORARY_PREFIX}*"):
            path.unlink(missing_ok=True)

    def _restore_latest(self):
        failures = []
        for position, path in reversed(self.checkpoints().items()):
            try:
                validation.check_keras_file(path)
                self.model.load_weights(path)
            except Exception as error:  # a damaged file: try the one before
                failures.append(f"{path.name}: {type(error).__name__}: {error}")
                warnings.warn(
                    f"Checkpoint {path} could not be loaded ({error}); trying "
                    "the previous one.",
                    stacklevel=2,
                )
                continue
            return position
        if failures:
            raise RuntimeError(
                f"None of the checkpoints in {self.directory} could be loaded, "
                "so training will not start over on top of them:\n"
                + "\n".join(failures)
            )
        return None

    def on_train_begin(self, logs=None):
        if is_chief(self.model):
            validation.check_writable_folder(self.directory, "Checkpoint")
            self._remove_temporaries()
        else:  # restores from it; only the chief writes
            self.directory.mkdir(parents=True, exist_ok=True)
        self._last_save_time = now()
        self._signal_received = None
        self.stopped_by = None
        self.stopped_at = None
        position = self._restore_latest() if self.restore else None
        if self.stop_on_signal:
            self._install_signal_handlers()
        if position is None:
            return
        self.restored = position
        self._last_saved = position
        # Keras' own resume mechanism, as used by BackupAndRestore.
        self.model._initial_epoch = position.epoch
        data = getattr(self.model, "fit_data", None)
        if validation.is_tf_dataset(data):
            known = int(data.cardinality()) >= 0
            iterations = backend.iterations_before_epoch(position.epoch, known)
            pipeline.skip_iterations(data, iterations)
        if position.batch:
            self._skip_batches(position.batch)
        print(f"Resuming from {position.file_name} at {position.describe()}.")

    def _skip_batches(self, count):
        model = self.model
        train_function = model.train_function

        def resume():
            model.train_function = train_function

        model.train_function = backend.skipping_train_function(model, count, resume)

    # --- Signals ------------------------------------------------------------

    def _install_signal_handlers(self):
        self._previous_handlers = {}
        for name in STOP_SIGNALS:
            number = getattr(signal, name, None)
            if number is None:  # e.g. a platform without SIGTERM
                continue
            try:
                self._previous_handlers[number] = signal.signal(number, self._on_signal)
            except ValueError:  # not the main thread: signals stay as they are
                self._previous_handlers = {}
                return

    def _restore_signal_handlers(self):
        for number, handler in self._previous_handlers.items():
            signal.signal(number, handler)
        self._previous_handlers = {}

    def _training(self, frame):
        """Whether `frame` runs within this model's `fit()`: not so after a
        `fit()` that raised, which leaves the handlers installed."""
        while frame is not None:
            if frame.f_code.co_name == "fit" and frame.f_locals.get("self") is (
                self.model
            ):
                return True
            frame = frame.f_back
        return False

    def _on_signal(self, number, frame):
        if self._signal_received is not None or not self._training(frame):
            # The second signal, or one after training ended: as without us.
            self._restore_signal_handlers()
            signal.raise_signal(number)
            return
        self._signal_received = signal.Signals(number).name
        print(
            f"\n{self._signal_received} received: training stops after this "
            "step with a checkpoint (send it again to stop at once).",
            flush=True,
        )

    def _stop_for_signal(self, position):
        path = self.save(position)
        self.stopped_by = self._signal_received
        self.stopped_at = position
        self.model.stop_training = True
        where = self.directory if path is None else path
        print(
            f"Stopped by {self.stopped_by}; the training state is in {where}. "
            "Run the same fit() with this Checkpoint again (or `keras-gen train "
            f"... --resume`) to continue at {position.describe()}.",
            flush=True,
        )

    # --- Save ---------------------------------------------------------------

    def save(self, position):
        """Atomically writes the checkpoint at `position` and prunes old ones.

        Args:
            position: a `Position`, or an int for the end of that epoch.

        Returns the path written, or `None` on a non-chief worker or when
        the write failed (see `on_write_error`).
        """
        if not isinstance(position, Position):
            position = Position(int(position), 0)
        self._last_saved = position
        self._last_save_time = now()
        if not is_chief(self.model):
            return None
        final = self.directory / position.file_name
        temporary = self.directory / f"{TEMPORARY_PREFIX}{os.getpid()}-{final.name}"
        backend.sync_training_state(self.model)
        try:
            self.model.save(temporary)
            with open(temporary, "rb") as file:
                os.fsync(file.fileno())
            os.replace(temporary, final)
        except OSError as error:
            self._write_failed(final, temporary, error)
            return None
        self._sync_directory()
        if self.keep is not None:
            for old in list(self.checkpoints().values())[: -self.keep]:
                old.unlink(missing_ok=True)
        return final

    def _write_failed(self, final, temporary, error):
        try:
            temporary.unlink(missing_ok=True)
        except OSError:  # the folder itself is gone or read-only
            pass
        self.failed_writes.append(f"{final.name}: {error}")
        kept = list(self.checkpoints().values())
        previous = f"{kept[-1].name} is intact" if kept else "no earlier one exists"
        action = (
            "Training stops (on_write_error='stop')."
            if self.on_write_error == "stop"
            else "Training goes on; the next save tries again."
        )
        warnings.warn(
            f"Checkpoint {final} could not be written ({error}); {previous}. "
            f"{action} Free space or fix the folder's permissions.",
            stacklevel=3,
        )
        if self.on_write_error == "stop":
            self.model.stop_training = True

    def _sync_directory(self):
        try:
            descriptor = os.open(self.directory, os.O_RDONLY)
        except OSError:  # e.g. platforms without directory handles
            return
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self._batches = batch + 1
        steps = self.params.get("steps") if self.params else None
        if steps is not None and self._batches >= steps:
            return  # the epoch's end saves, if one is due
        position = Position(self._epoch, self._batches)
        if self._signal_received is not None:
            self._stop_for_signal(position)
        elif position != self._last_saved and self._step_save_due():
            self.save(position)

    def _step_save_due(self):
        if self.every_steps is not None and self._batches % self.every_steps == 0:
            return True
        return (
            self.every_minutes is not None
            and now() - self._last_save_time >= 60 * self.every_minutes
        )

    def on_epoch_end(self, epoch, logs=None):
        if self.stopped_by is not None:
            return  # stopped within the epoch: it is not complete
        done = Position(epoch + 1, 0)
        if self._signal_received is not None:
            self._stop_for_signal(done)
        elif (epoch + 1) % self.every == 0:
            self.save(done)

    def on_train_end(self, logs=None):
        self._restore_signal_handlers()
        last = None if self._epoch is None else Position(self._epoch + 1, 0)
        if self.stopped_by is None and last is not None and self._last_saved != last:
            self.save(last)
        self.model._initial_epoch = None
