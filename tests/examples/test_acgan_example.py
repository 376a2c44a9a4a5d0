"""The custom conditional subclass in examples/acgan_mnist.py works on public hooks."""

import importlib.util
import pathlib
import sys

import keras
import numpy as np
import pytest
from keras import ops

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def acgan_module():
    sys.path.insert(0, str(EXAMPLES))
    try:
        spec = importlib.util.spec_from_file_location(
            "acgan_mnist", EXAMPLES / "acgan_mnist.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(EXAMPLES))


def tiny_acgan(module, **kwargs):
    return module.ACGAN(
        num_classes=3, image_shape=(8, 8, 1), latent_dim=4, base_filters=4, **kwargs
    )


def test_discriminator_sees_images_only_and_classifies(acgan_module):
    import keras_gen as kg

    assert acgan_module.ACGAN.__bases__ == (kg.GAN,)  # the public path, not CGAN
    acgan = tiny_acgan(acgan_module)
    assert acgan.discriminator.input_shape == (None, 8, 8, 1)
    assert [tuple(s) for s in acgan.discriminator.output_shape] == [
        (None, 1),
        (None, 3),
    ]


def test_losses_add_the_classification_terms(acgan_module):
    acgan = tiny_acgan(acgan_module, class_weight=2.0)
    acgan.compile()
    labels = ops.convert_to_tensor(np.array([0, 1, 2, 0]))
    confident = 20.0 * np.eye(3, dtype="float32")[[0, 1, 2, 0]]
    logit = np.zeros((4, 1), "float32")
    right = [logit, confident]
    wrong = [logit, np.roll(confident, 1, axis=1)]
    base = 2 * np.log(2)  # the adversarial part at logits 0
    assert float(acgan.discriminator_loss(right, right, labels)) == pytest.approx(
        base, abs=1e-4
    )
    # Wrong classes cost 2 x 20 per term on real and fake, weighted 2.
    assert float(acgan.discriminator_loss(wrong, wrong, labels)) == pytest.approx(
        base + 2 * 40, rel=1e-3
    )
    assert float(acgan.generator_loss(wrong, labels)) == pytest.approx(
        np.log(2) + 2 * 20, rel=1e-3
    )


def test_trains_saves_and_reloads(acgan_module, images, labels, tmp_path):
    acgan = tiny_acgan(acgan_module)
    acgan.compile()
    history = acgan.fit(images, labels, batch_size=8, epochs=2, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "real_score", "fake_score"}
    assert np.all(np.isfinite(history.history["d_loss"]))
    acgan.save(tmp_path / "acgan.keras")
    restored = keras.models.load_model(tmp_path / "acgan.keras")
    assert type(restored).__name__ == "ACGAN" and restored.class_weight == 1.0
    np.testing.assert_allclose(
        restored.generate(condition=[0, 1, 2], seed=0),
        acgan.generate(condition=[0, 1, 2], seed=0),
        atol=1e-6,
    )
