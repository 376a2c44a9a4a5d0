"""Crash-safe checkpoints of the whole training state, and resuming from them."""

import os
import pathlib
import re
import warnings

import keras

from keras_gen import validation
from keras_gen.distribute import is_chief

NAME = "ckpt-{epoch:04d}.keras"
NAME_PATTERN = re.compile(r"^ckpt-(\d+)\.keras$")
TEMPORARY_PREFIX = "tmp-"


class Checkpoint(keras.callbacks.Callback):
    """Saves the full training state every `every` epochs and resumes from it.

    Each checkpoint is a `.keras` file, `directory/ckpt-NNNN.keras` after
    epoch NNNN, with the networks, both optimizers with their state, the EMA
    weights and the random seed state. It is written to a temporary file
    and then renamed into place (`os.replace`, atomic), so a crash during
    a write never leaves a broken checkpoint under a checkpoint's name. Only
    the newest `keep` are kept.

    When training starts and `directory` holds checkpoints, the newest one is
    loaded into the model and `fit()` continues at the next epoch, the way
    `keras.callbacks.BackupAndRestore` resumes. So re-running the same script
    after a crash picks up where it stopped. Any checkpoint also loads on its
    own with `keras.models.load_model`.

    Under `MultiWorkerMirroredStrategy` only the chief writes checkpoints;
    every worker restores from `directory`, which must then be shared.

    Why not `BackupAndRestore`: it saves all this state too (its weights
    file holds both optimizers, the EMA and the seed state), but it writes
    its weights and then its epoch number in place. A kill during a write
    leaves an unreadable file (`double_checkpoint=True` keeps the previous
    pair to fall back on), and a kill between the two writes leaves new
    weights beside the old epoch number, a mismatch that no fallback
    detects. It keeps at most two states and by default deletes them when
    training ends (`delete_checkpoint`); `Checkpoint` keeps the newest
    `keep`, each a complete `.keras` file.

    Args:
        directory: folder for the checkpoints.
        every: save every this many epochs (and after the last epoch).
        keep: how many of the newest checkpoints to keep; `None` keeps all.
        restore: resume from the newest checkpoint in `directory`.

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

    def __init__(self, directory, every=1, keep=3, restore=True):
        super().__init__()
        validation.check_count(every, "every")
        if keep is not None:
            validation.check_count(keep, "keep (or None, to keep all)")
        validation.check_flag(restore, "restore")
        self.directory = pathlib.Path(directory)
        self.every = int(every)
        self.keep = keep
        self.restore = restore
        self.restored_epoch = None
        self._last_saved = None
        self._epoch = None

    def checkpoints(self):
        """The complete checkpoints in `directory`, as `{epoch: path}` sorted by epoch."""
        found = {}
        if self.directory.is_dir():
            for path in self.directory.iterdir():
                match = NAME_PATTERN.match(path.name)
                if match:
                    found[int(match.group(1))] = path
        return dict(sorted(found.items()))

    # --- Resume -------------------------------------------------------------

    def _remove_temporaries(self):
        for path in self.directory.glob(f"{TEMPORARY_PREFIX}*"):
            path.unlink(missing_ok=True)

    def _restore_latest(self):
        failures = []
        for epoch, path in reversed(self.checkpoints().items()):
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
            return epoch
        if failures:
            raise RuntimeError(
                f"None of the checkpoints in {self.directory} could be loaded, "
                "so training will not start over on top of them:\n"
                + "\n".join(failures)
            )
        return None

    def on_train_begin(self, logs=None):
        self.directory.mkdir(parents=True, exist_ok=True)
        if is_chief(self.model):
            self._remove_temporaries()
        if not self.restore:
            return
        epoch = self._restore_latest()
        if epoch is not None:
            self.restored_epoch = epoch
            self._last_saved = epoch
            # Keras' own resume mechanism, as used by BackupAndRestore.
            self.model._initial_epoch = epoch
            print(f"Resuming from {NAME.format(epoch=epoch)} at epoch {epoch + 1}.")

    # --- Save ---------------------------------------------------------------

    def save(self, epoch):
        """Atomically writes the checkpoint after `epoch` and prunes old ones.

        Returns the path written, or `None` on a non-chief worker.
        """
        if not is_chief(self.model):
            return None
        final = self.directory / NAME.format(epoch=epoch)
        temporary = self.directory / f"{TEMPORARY_PREFIX}{os.getpid()}-{final.name}"
        self.model.save(temporary)
        with open(temporary, "rb") as file:
            os.fsync(file.fileno())
        os.replace(temporary, final)
        self._sync_directory()
        self._last_saved = epoch
        if self.keep is not None:
            for old in list(self.checkpoints().values())[: -self.keep]:
                old.unlink(missing_ok=True)
        return final

    def _sync_directory(self):
        try:
            descriptor = os.open(self.directory, os.O_RDONLY)
        except OSError:  # e.g. platforms without directory handles
            return
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def on_epoch_end(self, epoch, logs=None):
        self._epoch = epoch + 1
        if self._epoch % self.every == 0:
            self.save(self._epoch)

    def on_train_end(self, logs=None):
        if self._epoch is not None and self._last_saved != self._epoch:
            self.save(self._epoch)
        self.model._initial_epoch = None
