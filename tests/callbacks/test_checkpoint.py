import errno
import os
import pathlib
import signal
import time

import keras
import pytest

import keras_gen as kg
from tests.helpers import assert_same_training, tiny_dcgan, variable_values


def fresh_model():
    keras.utils.set_random_seed(1)
    model = tiny_dcgan(ema=0.9, seed=3)
    model.compile()
    return model


def fit(model, images, epochs, callbacks=()):
    return model.fit(
        images,
        batch_size=8,
        epochs=epochs,
        verbose=0,
        shuffle=False,
        callbacks=list(callbacks),
    )


def state(model):
    return model.get_weights() + [
        v
        for o in (model.d_optimizer, model.g_optimizer)
        for v in variable_values(o.variables)
    ]


def test_writes_loadable_checkpoints_and_keeps_the_newest(images, tmp_path):
    checkpoint = kg.callbacks.Checkpoint(tmp_path, keep=2)
    fit(fresh_model(), images, epochs=3, callbacks=[checkpoint])
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ckpt-0002.keras",
        "ckpt-0003.keras",
    ]
    restored = keras.models.load_model(tmp_path / "ckpt-0003.keras")
    assert int(restored.g_optimizer.iterations) == 3 * 4


def test_every_n_epochs_and_always_the_last(images, tmp_path):
    fit(
        fresh_model(),
        images,
        epochs=5,
        callbacks=[kg.callbacks.Checkpoint(tmp_path, every=2, keep=None)],
    )
    assert sorted(kg.callbacks.Checkpoint(tmp_path).checkpoints()) == [
        (2, 0),
        (4, 0),
        (5, 0),
    ]


@pytest.mark.usefixtures("float64_policy")
def test_rerunning_resumes_at_the_right_epoch_with_the_same_result(images, tmp_path):
    uninterrupted = fresh_model()
    fit(uninterrupted, images, epochs=4)

    fit(fresh_model(), images, epochs=2, callbacks=[kg.callbacks.Checkpoint(tmp_path)])
    resumed = fresh_model()
    checkpoint = kg.callbacks.Checkpoint(tmp_path)
    history = fit(resumed, images, epochs=4, callbacks=[checkpoint])

    assert checkpoint.restored == (2, 0)
    assert history.epoch == [2, 3]
    assert_same_training(state(resumed), state(uninterrupted))
    assert resumed._initial_epoch is None  # a later fit() starts where asked


def test_a_damaged_newest_checkpoint_falls_back_to_the_previous(images, tmp_path):
    fit(fresh_model(), images, epochs=2, callbacks=[kg.callbacks.Checkpoint(tmp_path)])
    (tmp_path / "ckpt-0002.keras").write_bytes(b"damaged")
    (tmp_path / "tmp-123-ckpt-0003.keras").write_bytes(b"half written")
    checkpoint = kg.callbacks.Checkpoint(tmp_path)
    with pytest.warns(UserWarning, match="ckpt-0002.keras could not be loaded"):
        history = fit(fresh_model(), images, epochs=3, callbacks=[checkpoint])
    assert checkpoint.restored == (1, 0) and history.epoch == [1, 2]
    assert not list(tmp_path.glob("tmp-*"))


def test_refuses_to_start_over_when_no_checkpoint_loads(images, tmp_path):
    (tmp_path / "ckpt-0004.keras").write_bytes(b"damaged")
    with (
        pytest.raises(RuntimeError, match="None of the checkpoints"),
        pytest.warns(UserWarning),
    ):
        fit(
            fresh_model(),
            images,
            epochs=5,
            callbacks=[kg.callbacks.Checkpoint(tmp_path)],
        )
    assert (tmp_path / "ckpt-0004.keras").read_bytes() == b"damaged"


@pytest.mark.slow
@pytest.mark.usefixtures("float64_policy")
def test_keras_backup_and_restore_carries_all_the_state(images, tmp_path):
    """BackupAndRestore's weights file holds both optimizers, EMA and seed state."""
    uninterrupted = fresh_model()
    fit(uninterrupted, images, epochs=4)

    backup = lambda: keras.callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False)  # noqa: E731
    fit(fresh_model(), images, epochs=2, callbacks=[backup()])
    resumed = fresh_model()
    history = fit(resumed, images, epochs=4, callbacks=[backup()])
    assert history.epoch == [2, 3]
    assert_same_training(state(resumed), state(uninterrupted))


# --- Within an epoch ---------------------------------------------------------


class SendSignal(keras.callbacks.Callback):
    """Sends `signals` to this process after batch `batch` of epoch `epoch`,
    as a pre-empted machine or Ctrl-C would while a step runs."""

    def __init__(self, epoch, batch, signals=(signal.SIGTERM,)):
        super().__init__()
        self.at, self.signals, self._epoch = (epoch, batch), signals, None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self._epoch, batch) == self.at:
            for number in self.signals:
                os.kill(os.getpid(), number)


def test_saves_every_n_steps_within_epochs(images, tmp_path):
    checkpoint = kg.callbacks.Checkpoint(tmp_path, every_steps=3, keep=None)
    fit(fresh_model(), images, epochs=2, callbacks=[checkpoint])
    # 4 batches per epoch: batch 3 of each epoch, and each epoch's end.
    assert list(checkpoint.checkpoints()) == [(0, 3), (1, 0), (1, 3), (2, 0)]
    assert (tmp_path / "ckpt-0001-000003.keras").is_file()
    restored = keras.models.load_model(tmp_path / "ckpt-0001-000003.keras")
    assert int(restored.g_optimizer.iterations) == 4 + 3


def test_saves_after_a_set_time(images, tmp_path, monkeypatch):
    clock = iter(range(0, 10_000, 50))  # every call to the clock: 50 s later
    monkeypatch.setattr("keras_gen.callbacks.checkpoint.now", lambda: next(clock))
    checkpoint = kg.callbacks.Checkpoint(tmp_path, every_minutes=1.5, keep=None)
    fit(fresh_model(), images, epochs=1, callbacks=[checkpoint])
    # Saves once 90 s have passed since the last: after batches 2 and 3 of 4 ...
    assert (0, 2) in checkpoint.checkpoints() and (1, 0) in checkpoint.checkpoints()


@pytest.mark.usefixtures("float64_policy")
def test_a_signal_checkpoints_mid_epoch_and_the_rerun_ends_as_uninterrupted(
    images, tmp_path, capsys
):
    uninterrupted = fresh_model()
    fit(uninterrupted, images, epochs=3)

    checkpoint = kg.callbacks.Checkpoint(tmp_path)
    history = fit(
        fresh_model(), images, epochs=3, callbacks=[SendSignal(1, 1), checkpoint]
    )
    assert checkpoint.stopped_by == "SIGTERM"
    assert history.epoch == [0, 1]  # stopped within epoch 2 (index 1)
    assert list(checkpoint.checkpoints()) == [(1, 0), (1, 2)]
    printed = capsys.readouterr().out
    assert "SIGTERM received" in printed
    assert "continue at epoch 2, batch 3" in printed
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # put back

    resumed = fresh_model()
    again = kg.callbacks.Checkpoint(tmp_path)
    history = fit(resumed, images, epochs=3, callbacks=[again])
    assert again.restored == (1, 2) and history.epoch == [1, 2]
    assert "Resuming from ckpt-0001-000002.keras at epoch 2, batch 3" in (
        capsys.readouterr().out
    )
    assert_same_training(state(resumed), state(uninterrupted))


@pytest.mark.usefixtures("float64_policy")
@pytest.mark.filterwarnings("ignore:Your input ran out of data")
@pytest.mark.parametrize(
    "reader",
    [
        "tf.data",
        pytest.param("tf.data of unknown size", marks=pytest.mark.slow),
        pytest.param("kg.datasets", marks=pytest.mark.slow),
    ],
)
def test_a_reshuffled_pipeline_resumes_mid_epoch_in_its_own_order(
    images, labels, tmp_path, tf, reader
):
    """The uninterrupted run's order comes back: the shuffle is moved on to the
    resumed epoch (`pipeline.skip_iterations`) and the epoch's first batches skipped."""

    def dataset():
        if reader == "kg.datasets":
            return kg.datasets.from_numpy(
                images, batch_size=8, input_range=(-1, 1), seed=4
            )
        pipeline = (
            tf.data.Dataset.from_tensor_slices(images)
            .shuffle(32, seed=4, reshuffle_each_iteration=True)
            .batch(8)
        )
        if reader == "tf.data of unknown size":
            return pipeline.filter(lambda batch: True)
        return pipeline

    uninterrupted = fresh_model()
    uninterrupted.fit(dataset(), epochs=3, verbose=0)

    fresh_model().fit(
        dataset(),
        epochs=3,
        verbose=0,
        callbacks=[SendSignal(2, 1), kg.callbacks.Checkpoint(tmp_path)],
    )
    keras.backend.clear_session()  # as in a new process
    resumed = fresh_model()
    resumed.fit(
        dataset(), epochs=3, verbose=0, callbacks=[kg.callbacks.Checkpoint(tmp_path)]
    )
    assert_same_training(state(resumed), state(uninterrupted))


def test_a_second_signal_stops_at_once(images, tmp_path):
    with pytest.raises(KeyboardInterrupt):
        fit(
            fresh_model(),
            images,
            epochs=2,
            callbacks=[
                SendSignal(0, 1, signals=(signal.SIGINT, signal.SIGINT)),
                kg.callbacks.Checkpoint(tmp_path),
            ],
        )
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_signal_at_an_epochs_end_saves_that_epoch(images, tmp_path):
    checkpoint = kg.callbacks.Checkpoint(tmp_path, every=5)
    history = fit(
        fresh_model(), images, epochs=3, callbacks=[SendSignal(0, 3), checkpoint]
    )
    assert history.epoch == [0]
    assert list(checkpoint.checkpoints()) == [(1, 0)]


# --- Faults --------------------------------------------------------------------


def test_a_failed_write_keeps_the_previous_checkpoint_and_training_goes_on(
    images, tmp_path, monkeypatch
):
    checkpoint = kg.callbacks.Checkpoint(tmp_path, keep=1)
    model = fresh_model()
    real_save = type(model).save

    def full_disk(self, path, *args, **kwargs):
        if "ckpt-0002" in str(path):
            pathlib.Path(path).write_bytes(b"half")  # as if the disk filled up
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, path, *args, **kwargs)

    monkeypatch.setattr(type(model), "save", full_disk)
    with pytest.warns(
        UserWarning,
        match=r"ckpt-0002.keras could not be written .*"
        r"No space left on device.*ckpt-0001.keras is intact",
    ):
        history = fit(model, images, epochs=3, callbacks=[checkpoint])
    assert history.epoch == [0, 1, 2]
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt-0003.keras"]
    assert len(checkpoint.failed_writes) == 1


def test_on_write_error_stop_stops_training(images, tmp_path, monkeypatch):
    model = fresh_model()

    def read_only(self, path, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(type(model), "save", read_only)
    checkpoint = kg.callbacks.Checkpoint(tmp_path, on_write_error="stop")
    with pytest.warns(UserWarning, match="Training stops"):
        history = fit(model, images, epochs=3, callbacks=[checkpoint])
    assert history.epoch == [0]
    assert not list(tmp_path.iterdir())


def test_a_folder_that_cannot_be_written_fails_when_fit_starts(images, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    model = fresh_model()
    with pytest.raises(OSError, match="Checkpoint cannot write to .*a-file/ckpts"):
        fit(
            model,
            images,
            epochs=1,
            callbacks=[kg.callbacks.Checkpoint(tmp_path / "a-file" / "ckpts")],
        )
    assert int(model.g_optimizer.iterations) == 0


def test_checkpoint_options_are_checked():
    with pytest.raises(ValueError, match="every_steps"):
        kg.callbacks.Checkpoint("x", every_steps=0)
    with pytest.raises(ValueError, match="on_write_error"):
        kg.callbacks.Checkpoint("x", on_write_error="ignore")


def test_signals_after_a_failed_fit_act_as_without_the_callback(images, tmp_path):
    (tmp_path / "ckpt-0004.keras").write_bytes(b"damaged")

    class Fail(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise RuntimeError("a failing callback")

    with pytest.raises(RuntimeError, match="a failing callback"):
        fit(
            fresh_model(),
            images,
            epochs=1,
            callbacks=[kg.callbacks.Checkpoint(tmp_path / "run"), Fail()],
        )
    with pytest.raises(KeyboardInterrupt):  # the first Ctrl-C interrupts
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
