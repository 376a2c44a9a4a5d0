"""Diffusion and ConditionalDiffusion: training, sampling, guidance, the tools.

A diffusion model's train step takes seconds to trace even at 8x8, so most
of these are in the slow tier (`.ci/run` runs them on all three backends).
"""

import importlib

import keras
import numpy as np
import pytest
from keras import ops

import keras_gen as kg
from keras_gen.models.diffusion import signal_and_noise_rates
from tests.helpers import IMAGE_SHAPE, tiny_conditional_diffusion, tiny_diffusion


def test_cosine_schedule_runs_from_clean_to_noise():
    alpha, sigma = signal_and_noise_rates(np.linspace(0, 1, 11))
    np.testing.assert_allclose(alpha**2 + sigma**2, 1.0, atol=1e-12)
    assert alpha[0] > 0.9999 and alpha[-1] == pytest.approx(0.002)
    assert np.all(np.diff(alpha) < 0)
    # The tensor path gives the same rates as the float path.
    tensor_alpha, _ = signal_and_noise_rates(keras.ops.convert_to_tensor([0.3]))
    assert float(keras.ops.convert_to_numpy(tensor_alpha)[0]) == pytest.approx(
        float(signal_and_noise_rates(0.3)[0]), rel=1e-6
    )


@pytest.mark.parametrize(
    "prediction", ["v", pytest.param("epsilon", marks=pytest.mark.slow)]
)
def test_trains_with_keras_own_step_and_averages_the_weights(images, prediction):
    model = tiny_diffusion(prediction=prediction, ema=0.9, seed=1)
    model.compile()
    history = model.fit(images, batch_size=8, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert all(np.isfinite(history.history["loss"]))
    assert float(keras.ops.convert_to_numpy(model.ema_steps)) == 8  # 2 x 4 steps
    averaged = [keras.ops.convert_to_numpy(v) for v in model._ema_weights]
    current = [keras.ops.convert_to_numpy(v) for v in model.network.trainable_variables]
    assert any(not np.allclose(a, c) for a, c in zip(averaged, current))
    if prediction == "v":  # an untrained epsilon model's samples all clip to +-1
        assert not np.allclose(
            model.generate(2, seed=0), model.generate(2, seed=0, use_ema=False)
        )


@pytest.mark.slow
def test_ddim_is_deterministic_for_a_seed_and_ddpm_adds_noise(images):
    model = tiny_diffusion(seed=2)
    model.compile()
    model.fit(images, batch_size=16, epochs=1, verbose=0)
    first = model.generate(3, seed=5)
    assert first.shape == (3, *IMAGE_SHAPE) and np.abs(first).max() <= 1.0
    np.testing.assert_array_equal(first, model.generate(3, seed=5))
    assert not np.allclose(first, model.generate(3, seed=6))
    assert not np.allclose(first, model.generate(3, seed=5, steps=6))
    ancestral = model.generate(3, seed=5, sampler="ddpm")
    assert not np.allclose(ancestral, model.generate(3, seed=5, sampler="ddpm"))
    noise = np.random.default_rng(0).standard_normal((2, *IMAGE_SHAPE))
    np.testing.assert_allclose(
        model.generate(noise=noise), model.generate(noise=noise), atol=0
    )


@pytest.mark.slow
def test_guidance_mixes_the_conditional_and_unconditional_predictions(images, labels):
    model = tiny_conditional_diffusion(seed=3, label_dropout=0.5)
    model.compile()
    model.fit(images, labels, batch_size=8, epochs=1, verbose=0)
    plain = model.generate(labels=[0, 1, 2], seed=0)
    guided = model.generate(labels=[0, 1, 2], seed=0, guidance=3.0)
    assert guided.shape == (3, *IMAGE_SHAPE) and not np.allclose(plain, guided)
    # Guidance 1 is the conditional prediction alone.
    np.testing.assert_allclose(
        model.generate(labels=[0, 1, 2], seed=0, guidance=1.0), plain, atol=1e-5
    )
    dropped = model.drop_condition(np.zeros(2000, "int32"))
    share = float(np.mean(keras.ops.convert_to_numpy(dropped) == 3))
    assert 0.45 < share < 0.55  # "no label" is the extra label, num_classes
    with pytest.raises(ValueError, match="classifier-free guidance"):
        tiny_diffusion().generate(2, seed=0, guidance=2.0)


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="prediction"):
        tiny_diffusion(prediction="x0")
    with pytest.raises(ValueError, match="multiples of 4"):
        kg.Diffusion(image_shape=(10, 10, 1), base_filters=8)
    with pytest.raises(ValueError, match="ema"):
        tiny_diffusion(ema=1.5)
    with pytest.raises(TypeError, match="does not take `loss`"):
        tiny_diffusion().compile(loss="mse")
    model = tiny_diffusion()
    with pytest.raises(ValueError, match="sampler"):
        model.generate(2, seed=0, sampler="euler")
    with pytest.raises(
        ValueError, match=r"noise` must have shape \(num_images, 8, 8, 1\)"
    ):
        model.generate(noise=np.zeros((2, 4)))
    with pytest.raises(ValueError, match="label_dropout"):
        tiny_conditional_diffusion(label_dropout=1.0)


@pytest.mark.slow
def test_image_grid_shows_one_row_per_class(images, labels, tmp_path):
    model = tiny_conditional_diffusion(seed=0)
    model.compile()
    grid = kg.callbacks.ImageGrid(tmp_path, num_images=6, every=1)
    model.fit(images, labels, batch_size=16, epochs=1, verbose=0, callbacks=[grid])
    inputs = kg.callbacks.image_grid.grid_inputs(model, 6, seed=0)
    assert inputs["noise"].shape == (6, *IMAGE_SHAPE)
    shown, columns = model.grid_images(inputs)
    assert shown.shape == (6, *IMAGE_SHAPE) and columns == 2
    assert list(tmp_path.glob("*.png"))


class PosteriorMean(keras.layers.Layer):
    """The exact denoiser of data spread evenly over a few images: the
    v-prediction of their posterior mean given the noisy image."""

    def __init__(self, points, **kwargs):
        super().__init__(**kwargs)
        self.points = np.asarray(points, "float32").reshape(len(points), -1)

    def call(self, inputs):
        noisy, t = inputs
        alpha, sigma = signal_and_noise_rates(t)
        alpha, sigma = ops.reshape(alpha, (-1, 1)), ops.reshape(sigma, (-1, 1))
        flat = ops.reshape(noisy, (ops.shape(noisy)[0], -1))
        points = ops.convert_to_tensor(self.points)
        distances = ops.sum(
            (flat[:, None, :] - alpha[:, :, None] * points[None]) ** 2, axis=-1
        )
        logits = -distances / (2 * sigma**2)
        weights = ops.exp(logits - ops.max(logits, axis=-1, keepdims=True))
        weights = weights / ops.sum(weights, axis=-1, keepdims=True)
        v = (alpha * flat - ops.matmul(weights, points)) / sigma
        return ops.reshape(v, ops.shape(noisy))

    def compute_output_shape(self, shapes):
        return shapes[0]


def exact_model(points):
    noisy, t = keras.Input(points.shape[1:]), keras.Input(())
    network = keras.Model([noisy, t], PosteriorMean(points)([noisy, t]))
    return kg.Diffusion(image_shape=points.shape[1:], network=network, ema=None)


@pytest.mark.parametrize("count", [2, 4])
def test_the_likelihood_bound_of_the_exact_denoiser_is_the_datas_entropy(count):
    # Binary images drawn evenly from `count` patterns have entropy log(count)
    # nats; with the exact denoiser the continuous-time bound is tight.
    rng = np.random.default_rng(count)
    points = np.where(rng.uniform(size=(count, 4, 4, 1)) < 0.5, -1.0, 1.0)
    data = np.concatenate([points] * 200)
    bound = exact_model(points).variational_bound(
        data, time_samples=32, seed=1, levels=2
    )
    assert bound.shape == (len(data),)
    assert bound.mean() == pytest.approx(np.log(count), abs=0.15)
    # A denoiser that knows only the first pattern gives the others no mass.
    wrong = exact_model(points[:1]).variational_bound(
        points[1:], time_samples=32, seed=1, levels=2
    )
    assert wrong.min() > 20
    # The decoder of 8-bit images costs more: x_0's noise spans several levels.
    assert (
        exact_model(points).variational_bound(data[:50], time_samples=4, seed=1).mean()
        > 16 * 0.5
    )


def test_the_likelihood_bound_refuses_images_off_the_levels():
    points = np.where(np.random.default_rng(0).uniform(size=(2, 4, 4, 1)) < 0.5, -1, 1)
    model = exact_model(points)
    with pytest.raises(ValueError, match="evenly spaced values"):
        model.variational_bound(points * 0.5, levels=2)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        model.heldout_metrics((points + 1.0) / 2.0)  # [0, 1] images
    with pytest.raises(ValueError, match="time_samples"):
        model.heldout_metrics(points.astype("float32"), time_samples=0)


@pytest.mark.slow
def test_evaluate_scores_a_digit_model(images, monkeypatch):
    evaluate_module = importlib.import_module("keras_gen.evaluation.evaluate")
    digits, labels = evaluate_module.default_reference_images()
    monkeypatch.setattr(  # 30 of the default test digits, for speed
        evaluate_module, "default_reference_images", lambda: (digits[:30], labels[:30])
    )
    model = kg.Diffusion(image_shape=(28, 28, 1), base_filters=8, sampling_steps=2)
    evaluator = kg.evaluation.Evaluator(
        reference_images=np.random.default_rng(0).uniform(0, 1, (50, 28, 28, 1)),
        bootstrap_resamples=2,
    )
    result = kg.evaluation.evaluate(model, 20, evaluator, detail=False)
    assert {"frechet_distance", "classifier_score"} <= set(result)
    # The bound on the default test digits, which evaluate() scales to [-1, 1].
    digits = kg.evaluation.evaluate(model, 20, evaluator, detail=False, time_samples=1)
    assert np.isfinite(digits["negative_elbo"]) and digits["negative_elbo"] > 0
    assert digits["bits_per_dim"] == pytest.approx(
        digits["negative_elbo"] / (784 * np.log(2))
    )
    assert digits.provenance["time_samples"] == 1
    # Binarised (the VAE's protocol) or 8-bit: the same images, two bounds.
    held_out = np.round(np.random.default_rng(1).uniform(-1, 1, (8, 28, 28, 1)))
    binary = model.heldout_metrics(held_out.astype("float32"), time_samples=2)
    grey = model.heldout_metrics(
        held_out.astype("float32"), time_samples=2, binarize=False
    )
    assert binary["negative_elbo"] != grey["negative_elbo"]


@pytest.mark.slow
@pytest.mark.skipif(
    keras.backend.backend() == "torch", reason="export runs on TensorFlow and JAX"
)
def test_export_serves_the_sampling_loop(images, labels, tmp_path):
    tf = pytest.importorskip("tensorflow")
    model = tiny_conditional_diffusion(seed=4)
    model.compile()
    model.fit(images, labels, batch_size=16, epochs=1, verbose=0)
    model.export_generator(tmp_path / "1")
    loaded = tf.saved_model.load(str(tmp_path / "1"))
    noise = (
        np.random.default_rng(1).standard_normal((3, *IMAGE_SHAPE)).astype("float32")
    )
    served = loaded.signatures["serving_default"](
        noise=tf.constant(noise), labels=tf.constant([0, 1, 2], tf.int32)
    )["images"].numpy()
    np.testing.assert_allclose(
        served, model.generate(noise=noise, labels=[0, 1, 2]), atol=1e-4
    )
    sampled = loaded.signatures["sample"](
        num_images=tf.constant(3),
        seed=tf.constant(7, tf.int64),
        labels=tf.constant([2, 2, 0], tf.int32),
    )["images"].numpy()
    assert sampled.dtype == np.uint8 and sampled.shape == (3, *IMAGE_SHAPE)


@pytest.mark.slow
def test_cli_samples_in_the_steps_asked_for(tmp_path, capsys):
    from keras_gen import cli

    tiny_diffusion(seed=0).save(tmp_path / "diffusion.keras")
    grid = tmp_path / "grid.png"
    args = ["sample", str(tmp_path / "diffusion.keras"), "--num", "4"]
    assert cli.main([*args, "--steps", "2", "--out", str(grid)]) == 0
    assert grid.is_file()
    folder = tmp_path / "files"
    assert cli.main([*args, "--steps", "2", "--out", str(folder)]) == 0
    assert len(list(folder.rglob("*.png"))) == 4
    kg.VAE(image_shape=IMAGE_SHAPE, latent_dim=2).save(tmp_path / "vae.keras")
    vae_args = ["sample", str(tmp_path / "vae.keras"), "--steps", "2"]
    assert cli.main([*vae_args, "--out", str(tmp_path / "v.png")]) == 2
    assert "generates in one pass" in capsys.readouterr().err
