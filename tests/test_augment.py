"""Differentiable augmentation: each operation against its definition, and
DiffAugment and ADA in training (state, determinism, resume)."""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gen as kg
from keras_gen import augment
from tests.helpers import (
    IMAGE_SHAPE,
    assert_same_training,
    pairs_of,
    tiny_cgan,
    tiny_dcgan,
    tiny_pix2pix,
    variable_values,
)


def constant(*values):
    """A `uniform` that returns `values[0]`, then `values[1]`, ... for every image."""
    draws = iter(values)

    def uniform(tail):
        return ops.full((2,) + tail, next(draws))

    return uniform


def ramp():
    """Two 8x8x1 images with distinct pixels, in [-1, 1]."""
    values = np.linspace(-1, 1, 2 * 64).reshape((2,) + IMAGE_SHAPE)
    return values.astype("float32")


def apply(images, name, *draws, probability=1.0, value_range=(-1.0, 1.0)):
    # The first draw decides whether the operation is applied (below p: yes).
    uniform = constant(0.0, *draws)
    result = augment.augment(
        ops.convert_to_tensor(images), (name,), probability, uniform, value_range
    )
    return ops.convert_to_numpy(result)


def test_translation_moves_whole_pixels_and_fills_the_middle():
    images = ramp()
    # reach = 1 pixel at 8x8: u * 3 -> shift floor(3u) - 1; u = 0.9 -> +1, 0.0 -> -1.
    moved = apply(images, "translation", 0.9, 0.0)
    np.testing.assert_allclose(moved[:, 1:, :-1], images[:, :-1, 1:], atol=1e-6)
    np.testing.assert_allclose(moved[:, 0], 0.0)  # moved in from outside
    np.testing.assert_allclose(moved[:, :, -1], 0.0)
    unit = apply(images * 0 + 1, "translation", 0.5, 0.5, value_range=(0.0, 1.0))
    np.testing.assert_allclose(unit, 1.0)  # shift 0: unchanged


def test_cutout_sets_a_square_to_the_middle():
    images = np.ones((2,) + IMAGE_SHAPE, "float32")
    # extent 4 of 8; centre floor(u * 9) = 4 -> rows and columns 2..5.
    cut = apply(images, "cutout", 0.5, 0.5)
    assert cut[0, 2:6, 2:6].max() == 0.0 and (cut == 0.0).sum() == 2 * 16
    corner = apply(images, "cutout", 0.0, 0.0)  # centre 0: a quarter of it inside
    assert (corner[0] == 0.0).sum() == 4 and corner[0, 0, 0, 0] == 0.0


def test_color_is_brightness_then_saturation_then_contrast():
    images = ramp()
    # Brightness +0.25 * half-width 1, saturation x1 (one channel: no-op),
    # contrast x1.5 around each image's mean.
    result = apply(images, "color", 0.75, 0.5, 1.0)
    bright = images + 0.25
    mean = bright.mean(axis=(1, 2, 3), keepdims=True)
    np.testing.assert_allclose(result, mean + 1.5 * (bright - mean), atol=1e-5)
    rgb = np.stack([images[..., 0], -images[..., 0], images[..., 0] * 0], -1)
    grey = apply(rgb, "color", 0.5, 0.0, 0.5)  # saturation 0: the channel mean
    np.testing.assert_allclose(
        grey, np.repeat(rgb.mean(-1, keepdims=True), 3, -1), atol=1e-6
    )


def test_the_probability_decides_per_image_and_gradients_flow():
    images = ops.convert_to_tensor(ramp())
    draws = iter(
        [ops.convert_to_tensor([0.1, 0.9]), ops.full((2,), 0.0), ops.full((2,), 0.0)]
    )
    result = augment.augment(
        images, ("translation",), 0.5, lambda tail: next(draws), (-1.0, 1.0)
    )
    result = ops.convert_to_numpy(result)
    assert not np.allclose(result[0], ramp()[0])  # 0.1 < 0.5: moved
    np.testing.assert_allclose(result[1], ramp()[1])  # 0.9 >= 0.5: as it was
    # Differentiable: the generator is trained through it.
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        x = tf.constant(ramp())
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = augment.augment(
                x,
                augment.OPERATIONS,
                1.0,
                constant(0.0, 0.5, 0.9, 0.2, 0.0, 0.9, 0.9, 0.0, 0.5, 0.5),
                (-1.0, 1.0),
            )
        gradient = tape.gradient(y, x).numpy()
        assert np.isfinite(gradient).all() and np.abs(gradient).sum() > 0


def test_policies_and_arguments_are_checked():
    assert augment.get("cutout, color").operations == ("color", "cutout")
    assert isinstance(augment.get("ada"), augment.AdaptiveAugment)
    assert augment.get(None) is None
    with pytest.raises(ValueError, match="'color', 'translation', 'cutout'"):
        augment.get("color,flip")
    with pytest.raises(ValueError, match=r"probability in \[0, 1\]"):
        augment.DiffAugment(probability=1.5)
    with pytest.raises(ValueError, match="target"):
        augment.AdaptiveAugment(target=1.0)
    ada = augment.AdaptiveAugment(target=0.5, speed_images=100)
    config = keras.saving.serialize_keras_object(ada)
    assert keras.saving.deserialize_keras_object(config) == ada


def test_ada_moves_the_probability_by_the_sign_of_overfitting():
    ada = augment.AdaptiveAugment(target=0.6, speed_images=1_000)
    up = ada.adjusted(ops.convert_to_tensor(0.5), 0.9, 100)  # D calls reals real
    down = ada.adjusted(ops.convert_to_tensor(0.5), 0.2, 100)
    assert float(up) == pytest.approx(0.6) and float(down) == pytest.approx(0.4)
    assert float(ada.adjusted(ops.convert_to_tensor(0.99), 1.0, 100)) == 1.0  # clipped


def fit(model, *data, epochs=2):
    return model.fit(*data, batch_size=8, epochs=epochs, verbose=0, shuffle=False)


@pytest.mark.slow
def test_augmented_training_is_deterministic_under_the_seed(images):
    trained = []
    for _ in range(2):
        keras.utils.set_random_seed(1)
        model = tiny_dcgan(seed=3)
        model.compile(augmentation="color,translation,cutout")
        fit(model, images)
        trained.append(variable_values(model.trainable_variables))
    assert_same_training(*trained)
    keras.utils.set_random_seed(1)
    plain = tiny_dcgan(seed=3)
    plain.compile()
    fit(plain, images)
    moved = [
        np.abs(a - b).max()
        for a, b in zip(trained[0], variable_values(plain.trainable_variables))
    ]
    assert max(moved) > 1e-4  # the augmentation changed the updates


@pytest.mark.slow
@pytest.mark.usefixtures("float64_policy")
def test_ada_state_is_saved_and_a_resume_is_exact(images, tmp_path):
    def model():
        keras.utils.set_random_seed(1)
        gan = tiny_dcgan(seed=3)
        gan.compile(
            augmentation=augment.AdaptiveAugment(
                speed_images=400, initial_probability=0.5
            )
        )
        return gan

    uninterrupted = model()
    history = fit(uninterrupted, images, epochs=3)
    probabilities = history.history["augment_probability"]
    # It moves by 8 / 400 a step, and is logged each epoch.
    assert len(probabilities) == 3 and len(set(probabilities)) == 3
    assert float(uninterrupted.augment_probability) != 0.5
    checkpoint_dir = tmp_path / "checkpoints"
    fit_with = dict(batch_size=8, verbose=0, shuffle=False)
    model().fit(
        images,
        epochs=2,
        callbacks=[kg.callbacks.Checkpoint(checkpoint_dir)],
        **fit_with,
    )
    resumed = model()
    resumed.fit(
        images,
        epochs=3,
        callbacks=[kg.callbacks.Checkpoint(checkpoint_dir)],
        **fit_with,
    )
    assert float(resumed.augment_probability) == pytest.approx(
        float(uninterrupted.augment_probability), abs=1e-12
    )
    assert_same_training(resumed.get_weights(), uninterrupted.get_weights())
    resumed.save(tmp_path / "gan.keras")
    restored = keras.models.load_model(tmp_path / "gan.keras")
    assert restored.augmentation == resumed.augmentation
    assert float(restored.augment_probability) == float(resumed.augment_probability)


@pytest.mark.slow
def test_conditional_models_accept_the_options_of_a_modern_gan(images, labels):
    # Issue 37: the relativistic loss, R1 and R2 and augmentation, together.
    recipe = dict(loss="relativistic", r1_penalty=1.0, r2_penalty=1.0)
    cgan = tiny_cgan()
    cgan.compile(augmentation="ada", **recipe)
    history = fit(cgan, images, labels, epochs=1).history
    assert "augment_probability" in history
    assert np.isfinite(history["d_loss"]).all()
    pix2pix = tiny_pix2pix()
    pix2pix.compile(augmentation="translation,cutout", **recipe)
    history = fit(pix2pix, *pairs_of(images), epochs=1)
    assert np.isfinite(history.history["l1"]).all()
    assert np.isfinite(history.history["d_loss"]).all()
