"""Pix2Pix: the L1 term, pairs in, translations out, and every tool on it."""

import keras
import numpy as np
import pytest

import keras_gen as kg
from tests.helpers import pairs_of, tiny_pix2pix


def numpy(tensor):
    if hasattr(tensor, "detach"):  # a PyTorch tensor that requires grad
        tensor = tensor.detach()
    return keras.ops.convert_to_numpy(tensor)


@pytest.fixture
def pairs(images):
    return pairs_of(images)


def test_networks_fit_mnist_and_the_paper_size():
    unet = kg.networks.unet_generator((28, 28, 1), output_channels=3, base_filters=4)
    assert unet.output_shape == (None, 28, 28, 3)
    patchgan = kg.networks.patchgan_discriminator((28, 28, 4), base_filters=4)
    assert patchgan.output_shape == (None, 7, 7, 1)
    # 256x256: the paper's 70x70 PatchGAN, three stride-2 layers: 32x32 logits.
    patchgan = kg.networks.patchgan_discriminator((256, 256, 6), base_filters=2)
    assert patchgan.output_shape == (None, 32, 32, 1)


def test_the_unet_passes_detail_through_its_skip_connections():
    """The skips carry local detail: a change at one input pixel changes the
    output near it far more than far from it (the 1x1 bottleneck alone would
    spread it evenly)."""
    unet = kg.networks.unet_generator((28, 28, 1), base_filters=4, dropout=0.0)
    x = np.zeros((1, 28, 28, 1), "float32")
    moved = x.copy()
    moved[0, 3, 3, 0] = 1.0
    change = np.abs(unet.predict(moved, verbose=0) - unet.predict(x, verbose=0))[
        0, ..., 0
    ]
    assert change[:8, :8].mean() > 10 * change[20:, 20:].mean()


def test_dropout_is_the_only_noise_in_training_and_off_in_inference(pairs):
    inputs, _ = pairs
    model = tiny_pix2pix(seed=1)
    assert model.latent_dim == 0
    first = numpy(model.generator(inputs[:4], training=True))
    second = numpy(model.generator(inputs[:4], training=True))
    assert np.abs(first - second).max() > 1e-4
    np.testing.assert_array_equal(
        model.translate(inputs[:4]), model.translate(inputs[:4])
    )


def test_the_generator_loss_adds_the_weighted_l1_term(pairs):
    inputs, targets = pairs
    model = tiny_pix2pix(l1_weight=7.0)
    outputs = model.generator(inputs[:8], training=False)
    loss, logs = model.generator_terms(
        outputs, keras.ops.convert_to_tensor(targets[:8]), inputs[:8]
    )
    expected = np.abs(numpy(outputs) - targets[:8]).mean()
    np.testing.assert_allclose(numpy(logs["l1"]), expected, rtol=1e-5)
    np.testing.assert_allclose(numpy(loss), 7.0 * expected, rtol=1e-5)


def test_the_l1_term_is_weighted_logged_and_pulls_the_outputs_in(pairs):
    inputs, targets = pairs
    model = tiny_pix2pix(seed=2, l1_weight=100.0)
    fakes, reals = keras.ops.zeros((2, 8, 8, 1)), keras.ops.ones((2, 8, 8, 1))
    loss, logs = model.generator_terms(fakes, reals, None)
    assert float(loss) == pytest.approx(100.0) and float(logs["l1"]) == 1.0
    model.compile(
        d_optimizer=keras.optimizers.Adam(5e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(5e-3, beta_1=0.5),
    )
    history = model.fit(inputs, targets, batch_size=8, epochs=3, verbose=0)
    assert {"d_loss", "g_loss", "l1", "real_score", "fake_score"} <= set(
        history.history
    )
    l1 = history.history["l1"]
    assert l1[2] < l1[1] < l1[0] and l1[2] < 0.99 * l1[0]


@pytest.mark.slow
def test_the_l1_term_pulls_the_outputs_to_the_targets(pairs):
    """Trained alike, the model with the L1 term ends far closer to the targets
    than the one without it (the adversarial term alone learns no pairing in a
    few steps)."""
    inputs, targets = pairs
    errors = {}
    for weight in (100.0, 0.0):
        keras.utils.set_random_seed(0)
        model = tiny_pix2pix(seed=2, l1_weight=weight)
        model.compile(
            d_optimizer=keras.optimizers.Adam(5e-3, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(5e-3, beta_1=0.5),
        )
        history = model.fit(inputs, targets, batch_size=8, epochs=25, verbose=0)
        assert {"d_loss", "g_loss", "l1", "real_score", "fake_score"} <= set(
            history.history
        )
        errors[weight] = np.abs(model.translate(inputs) - targets).mean()
        if weight:
            assert history.history["l1"][-1] < 0.95 * history.history["l1"][0]
    assert errors[100.0] < 0.8 * errors[0.0]


def test_inputs_alone_are_a_clear_error(pairs):
    inputs, _ = pairs
    model = tiny_pix2pix()
    model.compile()
    with pytest.raises(ValueError, match=r"pairs: batches of \(inputs, targets\)"):
        model.fit(inputs, batch_size=8, epochs=1, verbose=0)


def test_inputs_of_another_shape_are_a_clear_error(pairs):
    inputs, targets = pairs
    model = tiny_pix2pix()
    model.compile()
    with pytest.raises(ValueError, match="inputs"):
        model.fit(inputs[:, :4, :4], targets, batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="inputs"):
        model.translate(np.zeros((2, 8, 8, 3), "float32"))
    with pytest.raises(TypeError, match="latent_dim"):
        kg.Pix2Pix(image_shape=(8, 8, 1), latent_dim=4)


def test_grid_shows_inputs_outputs_and_targets_in_rows(pairs, tmp_path):
    inputs, targets = pairs
    model = tiny_pix2pix(seed=1)
    model.compile()
    grid = kg.callbacks.ImageGrid(tmp_path, num_images=20, gif=False)
    model.fit(inputs, targets, batch_size=16, epochs=1, callbacks=[grid], verbose=0)
    fixed = dict(np.load(tmp_path / "fixed_inputs.npz"))
    # Real training examples (up to num_images): inputs (the condition) and
    # targets.
    np.testing.assert_array_equal(fixed["example_condition"], inputs[:20])
    np.testing.assert_array_equal(fixed["example_images"], targets[:20])
    images, columns = model.grid_images(fixed)
    assert columns == 8 and len(images) == 48  # whole rows of 8
    sources = fixed["example_condition"]
    np.testing.assert_array_equal(images[:8], sources[:8])
    np.testing.assert_allclose(images[8:16], model.translate(sources[:8]), atol=1e-6)
    np.testing.assert_array_equal(images[16:24], fixed["example_images"][:8])
    assert (tmp_path / "epoch_0001.png").exists()


def test_grid_of_colour_outputs_from_grayscale_inputs(images):
    model = kg.Pix2Pix(image_shape=(8, 8, 1), output_channels=3, base_filters=4)
    inputs = images[:8]
    targets = np.repeat(images[:8], 3, axis=-1)
    grid_images, _ = model.grid_images(
        {"example_condition": inputs, "example_images": targets}
    )
    assert grid_images.shape == (24, 8, 8, 3)


def test_export_serves_input_images_and_matches_translate(pairs, tmp_path):
    tf = pytest.importorskip("tensorflow")
    if keras.backend.backend() == "torch":
        pytest.skip("export runs on TensorFlow and JAX")
    inputs, _ = pairs
    model = tiny_pix2pix(seed=1)
    path = model.export_generator(tmp_path / "export")
    served = tf.saved_model.load(str(path))
    # No noise, so no `sample` (on JAX, jax2tf adds a `generator` endpoint).
    assert "serving_default" in served.signatures
    assert "sample" not in served.signatures
    signature = served.signatures["serving_default"]
    assert list(signature.structured_input_signature[1]) == ["inputs"]
    outputs = signature(inputs=tf.constant(inputs[:4]))["images"].numpy()
    np.testing.assert_allclose(outputs, model.translate(inputs[:4]), atol=1e-5)


def test_evaluate_scores_outputs_against_targets_and_labels():
    digits, labels = kg.evaluation.default_reference_images()
    targets = digits[:64] * 2 - 1
    inputs, targets = kg.datasets.make_pairs(targets, "super_resolution")
    model = kg.Pix2Pix(base_filters=4, seed=0)
    evaluator = kg.evaluation.Evaluator(
        reference_images=digits[:200], bootstrap_resamples=5
    )
    result = kg.evaluation.evaluate(
        model,
        num_samples=64,
        evaluator=evaluator,
        test_data=(inputs, targets),
        test_labels=labels[:64],
    )
    outputs01 = (model.translate(inputs) + 1) / 2
    np.testing.assert_allclose(
        result["l1"], np.abs(outputs01 - (targets + 1) / 2).mean(), rtol=1e-5
    )
    assert {"psnr", "label_accuracy", "frechet_distance"} <= set(result)
    assert set(result.skipped) == {"memorization_ratio", "near_copy_fraction"}
    # Label accuracy: the classifier's classes of these outputs against the labels.
    _, probabilities = evaluator.features_and_probabilities(np.clip(outputs01, 0, 1))
    expected = (probabilities.argmax(axis=1) == labels[:64]).mean()
    assert result["label_accuracy"] == pytest.approx(expected)


def test_metrics_have_known_answers():
    a = np.zeros((2, 4, 4, 1))
    b = np.full((2, 4, 4, 1), 0.1)
    assert kg.evaluation.mean_absolute_error(a, b) == pytest.approx(0.1)
    assert kg.evaluation.peak_signal_to_noise_ratio(a, b) == pytest.approx(20.0)
    assert kg.evaluation.peak_signal_to_noise_ratio(a, a) == pytest.approx(100.0)
    with pytest.raises(ValueError, match="one output per target"):
        kg.evaluation.mean_absolute_error(a, b[:1])


def test_latent_dim_zero_needs_a_condition():
    with pytest.raises(ValueError, match="latent_dim=0"):
        kg.GAN(
            kg.networks.mlp_generator(1, (8, 8, 1), (4,)),
            kg.networks.mlp_discriminator((8, 8, 1), (4,)),
            latent_dim=0,
        )
