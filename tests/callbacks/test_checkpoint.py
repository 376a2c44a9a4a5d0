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
    assert sorted(kg.callbacks.Checkpoint(tmp_path).checkpoints()) == [2, 4, 5]


@pytest.mark.usefixtures("float64_policy")
def test_rerunning_resumes_at_the_right_epoch_with_the_same_result(images, tmp_path):
    uninterrupted = fresh_model()
    fit(uninterrupted, images, epochs=4)

    fit(fresh_model(), images, epochs=2, callbacks=[kg.callbacks.Checkpoint(tmp_path)])
    resumed = fresh_model()
    checkpoint = kg.callbacks.Checkpoint(tmp_path)
    history = fit(resumed, images, epochs=4, callbacks=[checkpoint])

    assert checkpoint.restored_epoch == 2
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
    assert checkpoint.restored_epoch == 1 and history.epoch == [1, 2]
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
