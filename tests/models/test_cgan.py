import numpy as np
import pytest

import keras_gen as kg
from tests.helpers import IMAGE_SHAPE, LATENT_DIM, tiny_cgan


def test_cgan_is_a_gan_on_the_public_hooks():
    assert issubclass(kg.CGAN, kg.GAN)
    overridden = {
        name
        for name in vars(kg.CGAN)
        if callable(getattr(kg.CGAN, name)) and not name.startswith("_")
    }
    # Only two of GAN's hooks, the compile defaults and the config: the
    # condition (a class label) says the rest.
    assert overridden == {
        "compile_defaults",
        "generator_inputs",
        "discriminator_inputs",
        "get_config",
    }
    cgan = tiny_cgan()
    assert cgan.condition == kg.conditions.ClassLabel(3)
    assert cgan.training_data.labels


def test_trains_on_images_and_labels(images, labels, tf):
    cgan = tiny_cgan()
    cgan.compile()
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).batch(8)
    history = cgan.fit(dataset, epochs=2, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "real_score", "fake_score"}
    assert np.all(np.isfinite(history.history["d_loss"]))


def test_generate_draws_one_image_per_label(images, labels):
    cgan = tiny_cgan()
    cgan.compile()
    cgan.fit(images, labels, batch_size=8, verbose=0)
    samples = cgan.generate(labels=[0, 1, 2], seed=0)
    assert samples.shape == (3,) + IMAGE_SHAPE
    noise = np.zeros((3, LATENT_DIM), "float32")
    by_label = cgan.generate(labels=[0, 1, 2], noise=noise)
    # Same noise, different labels: the label changes the image.
    assert not np.allclose(by_label[0], by_label[1])
    np.testing.assert_allclose(
        cgan.generate(labels=[1, 1], noise=noise[:2])[0], by_label[1], atol=1e-6
    )
    assert cgan.generate(5, seed=0).shape == (5,) + IMAGE_SHAPE


def test_data_without_labels_is_a_clear_error(images, tf):
    cgan = tiny_cgan()
    cgan.compile()
    with pytest.raises(ValueError, match=r"\(images, labels\)"):
        cgan.fit(images, batch_size=8, verbose=0)
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(8)
    with pytest.raises(ValueError, match=r"\(images, labels\)"):
        cgan.fit(dataset, verbose=0)


@pytest.mark.parametrize("bad_labels", [np.full(32, 3), np.full(32, -1)])
def test_labels_out_of_range_are_a_clear_error(images, bad_labels):
    cgan = tiny_cgan()
    cgan.compile()
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        cgan.fit(images, bad_labels, batch_size=8, verbose=0)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        cgan.generate(labels=[0, 7])


def test_one_hot_labels_are_refused_with_the_fix(images, labels):
    cgan = tiny_cgan()
    cgan.compile()
    with pytest.raises(ValueError, match="argmax"):
        cgan.fit(images, np.eye(3)[labels], batch_size=8, verbose=0)
