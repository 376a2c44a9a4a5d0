"""CVAE: a VAE conditioned on class labels, on the VAE's public hooks."""

import keras
import numpy as np
import pytest

import keras_gen as kg
from tests.helpers import IMAGE_SHAPE


def tiny_cvae(**kwargs):
    return kg.CVAE(num_classes=3, image_shape=IMAGE_SHAPE, latent_dim=2, **kwargs)


@pytest.fixture
def data(images, labels):
    return (images + 1) / 2, labels


def test_cvae_is_a_vae_on_the_public_hooks():
    assert issubclass(kg.CVAE, kg.VAE)
    overridden = {
        name
        for name in vars(kg.CVAE)
        if callable(getattr(kg.CVAE, name)) and not name.startswith("_")
    }
    # The condition (a class label) and two hooks.
    assert overridden == {"encoder_inputs", "decoder_inputs", "get_config"}
    assert tiny_cvae().condition == kg.conditions.ClassLabel(3)


def test_trains_on_images_and_labels_and_the_label_steers_the_decoder(data):
    images, labels = data
    cvae = tiny_cvae(seed=0)
    cvae.compile()
    history = cvae.fit(images, labels, batch_size=8, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "reconstruction_loss", "kl_loss"}
    assert np.all(np.isfinite(history.history["loss"]))
    z = np.zeros((3, 2), "float32")
    by_label = cvae.generate(noise=z, labels=[0, 1, 2])
    assert by_label.shape == (3, *IMAGE_SHAPE)
    assert not np.allclose(by_label[0], by_label[1])  # same z, other digit
    np.testing.assert_allclose(cvae.decode(z, [0, 1, 2]), by_label, atol=1e-6)
    assert cvae.encode(images[:4], labels[:4]).shape == (4, 2)


def test_data_without_labels_or_with_bad_labels_is_a_clear_error(data):
    images, labels = data
    cvae = tiny_cvae()
    cvae.compile()
    with pytest.raises(ValueError, match=r"\(images, labels\)"):
        cvae.fit(images, batch_size=8, verbose=0)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        cvae.fit(images, np.full(32, 3), batch_size=8, verbose=0)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        cvae.generate(labels=[0, 5])


def test_grid_has_real_digits_their_reconstructions_and_a_row_per_class(data, tmp_path):
    images, labels = data
    cvae = tiny_cvae()
    cvae.compile()
    grid = kg.callbacks.ImageGrid(tmp_path, num_images=6, gif=False)
    cvae.fit(images, labels, batch_size=8, epochs=1, verbose=0, callbacks=[grid])
    np.testing.assert_array_equal(grid.fixed["condition"], [0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(grid.fixed["example_condition"], labels[:6])
    shown, columns = cvae.grid_images(grid.fixed)
    assert columns == 2  # one row per class; the real digits' rows are as wide
    np.testing.assert_allclose(shown[:2], images[:2], atol=1e-6)
    np.testing.assert_allclose(
        shown[-6:],
        cvae.generate(noise=grid.fixed["noise"], labels=[0, 0, 1, 1, 2, 2]),
        atol=1e-6,
    )


def test_saves_exports_and_reports_its_negative_elbo(data, tmp_path, tf):
    images, labels = data
    cvae = tiny_cvae(seed=0)
    cvae.compile()
    cvae.fit(images, labels, batch_size=8, epochs=1, verbose=0)
    cvae.save(tmp_path / "cvae.keras")
    restored = keras.models.load_model(tmp_path / "cvae.keras")
    z = np.random.default_rng(0).normal(size=(4, 2)).astype("float32")
    np.testing.assert_allclose(
        restored.generate(noise=z, labels=[0, 1, 2, 0]),
        cvae.generate(noise=z, labels=[0, 1, 2, 0]),
        atol=1e-6,
    )
    if keras.backend.backend() in ("tensorflow", "jax"):
        cvae.export_generator(tmp_path / "export")
        served = tf.saved_model.load(str(tmp_path / "export"))
        serve = served.signatures["serving_default"]
        assert set(serve.structured_input_signature[1]) == {"z", "labels"}
        out = serve(z=tf.constant(z), labels=tf.constant([0, 1, 2, 0]))["images"]
        np.testing.assert_allclose(
            out.numpy(), cvae.generate(noise=z, labels=[0, 1, 2, 0]), atol=1e-5
        )
    scores = cvae.heldout_metrics((images, labels))
    assert 0 < scores["negative_log_likelihood"] <= scores["negative_elbo"] + 1e-3
    with pytest.raises(ValueError, match="labels"):
        cvae.heldout_metrics(images)
