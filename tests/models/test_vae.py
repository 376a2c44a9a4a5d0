import math

import keras
import numpy as np
import pytest

import keras_gen as kg
from tests.helpers import IMAGE_SHAPE, tiny_vae


@pytest.fixture
def unit_images(images):
    return (images + 1) / 2


def test_trains_and_logs_the_loss_terms(unit_images):
    vae = tiny_vae()
    vae.compile()
    history = vae.fit(unit_images, batch_size=8, epochs=3, verbose=0)
    assert set(history.history) == {"loss", "reconstruction_loss", "kl_loss"}
    losses = history.history
    for total, recon, kl in zip(
        losses["loss"], losses["reconstruction_loss"], losses["kl_loss"]
    ):
        assert total == pytest.approx(recon + kl, rel=1e-4)
    assert losses["loss"][-1] < losses["loss"][0]


def test_beta_weights_the_kl_term(unit_images):
    vae = tiny_vae(beta=4.0)
    vae.compile()
    logs = vae.evaluate(unit_images, batch_size=8, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(
        logs["reconstruction_loss"] + 4 * logs["kl_loss"], rel=1e-4
    )


def test_loss_terms_have_their_closed_forms():
    vae = tiny_vae()
    pixels = math.prod(IMAGE_SHAPE)
    x = np.full((2,) + IMAGE_SHAPE, 0.5, "float32")
    y_pred = {
        "decoder_output": np.zeros((2,) + IMAGE_SHAPE, "float32"),  # p = 1/2
        "z_mean": np.zeros((2, 2), "float32"),
        "z_log_var": np.zeros((2, 2), "float32"),  # q = prior: KL 0
    }
    total = vae.compute_loss(x, None, y_pred)
    assert float(total) == pytest.approx(pixels * math.log(2), rel=1e-5)
    assert float(vae.kl_loss_tracker.result()) == pytest.approx(0.0, abs=1e-7)
    y_pred["z_mean"] = np.ones((2, 2), "float32")  # KL = 0.5 * sum(mu^2) = 1
    vae.compute_loss(x, None, y_pred)
    assert float(vae.kl_loss_tracker.result()) == pytest.approx(
        0.5, rel=1e-5
    )  # mean of 0 and 1


def test_gaussian_likelihood_takes_data_in_minus_one_to_one(images):
    vae = tiny_vae(likelihood="gaussian")
    vae.compile()
    history = vae.fit(images, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_bernoulli_likelihood_refuses_data_outside_zero_one(images):
    vae = tiny_vae()
    vae.compile()
    with pytest.raises(ValueError, match=r"\[0, 1\].*x / 255"):
        vae.fit(images, batch_size=8, verbose=0)


def test_encode_decode_reconstruct_generate(unit_images):
    vae = tiny_vae()
    vae.compile()
    vae.fit(unit_images, batch_size=8, verbose=0)
    z = vae.encode(unit_images[:5])
    assert z.shape == (5, 2)
    np.testing.assert_allclose(
        vae.encode(unit_images[:5]), z
    )  # the mean: deterministic
    assert not np.allclose(vae.encode(unit_images[:5], sample=True), z)
    decoded = vae.decode(z)
    assert (
        decoded.shape == (5,) + IMAGE_SHAPE
        and 0 <= decoded.min()
        and decoded.max() <= 1
    )
    np.testing.assert_allclose(vae.reconstruct(unit_images[:5]), decoded, atol=1e-6)
    np.testing.assert_array_equal(vae.generate(3, seed=0), vae.generate(3, seed=0))
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        vae.decode(np.zeros((3, 5)))


def test_compile_refuses_a_loss():
    with pytest.raises(TypeError, match="likelihood"):
        tiny_vae().compile(loss="mse")


def test_unknown_likelihood():
    with pytest.raises(ValueError, match="bernoulli"):
        tiny_vae(likelihood="poisson")


def test_accepts_networks_of_ones_own():
    encoder = kg.networks.vae_encoder(IMAGE_SHAPE, latent_dim=3)
    decoder = kg.networks.vae_decoder(IMAGE_SHAPE, latent_dim=3)
    vae = kg.VAE(
        image_shape=IMAGE_SHAPE, latent_dim=3, encoder=encoder, decoder=decoder
    )
    assert vae.encoder is encoder
    with pytest.raises(ValueError, match="decoder must output"):
        kg.VAE(
            image_shape=(16, 16, 1),
            latent_dim=3,
            encoder=kg.networks.vae_encoder((16, 16, 1), 3),
            decoder=decoder,
        )


def test_default_optimizer_is_adam():
    vae = tiny_vae()
    vae.compile()
    assert isinstance(vae.optimizer, keras.optimizers.Adam)
    assert vae.optimizer.built


def iwae_loss(vae, images, num_samples):
    """The step's loss for `images` with the IWAE objective, without training."""
    vae.compile(objective="iwae", num_samples=num_samples)
    outputs = vae(images, training=True)
    return float(vae.compute_loss(images, None, outputs, training=True))


def test_iwae_objective_is_the_importance_weighted_bound(unit_images):
    """k draws of the step's loss equal the bound `metrics` computes from the same
    kind of draws (to sampling noise), and sit below the negative ELBO."""
    vae = tiny_vae(seed=0)
    binary = (unit_images > 0.5).astype("float32")
    estimates = [iwae_loss(vae, binary, 50) for _ in range(20)]
    log_weights = vae.log_importance_weights(binary, num_samples=50, seed=1)
    assert log_weights.shape == (len(binary), 50)
    # Both estimate the same bound.
    reference = kg.evaluation.importance_weighted_bound(log_weights)
    assert np.mean(estimates) == pytest.approx(reference, rel=0.01)
    assert np.mean(estimates) < kg.evaluation.negative_elbo(log_weights)


def test_iwae_objective_trains_and_round_trips(unit_images, tmp_path):
    vae = tiny_vae(seed=0)
    vae.compile(objective="iwae", num_samples=5)
    history = vae.fit(unit_images, batch_size=8, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    vae.save(tmp_path / "vae.keras")
    restored = keras.models.load_model(tmp_path / "vae.keras")
    assert (restored.objective, restored.num_samples) == ("iwae", 5)
    # Inference draws one z per image whatever the objective.
    assert vae.reconstruct(unit_images[:3]).shape == (3,) + IMAGE_SHAPE


def test_iwae_objective_checks_its_arguments():
    vae = tiny_vae()
    with pytest.raises(ValueError, match="objective"):
        vae.compile(objective="elbo2")
    with pytest.raises(ValueError, match="for objective='iwae'"):
        vae.compile(num_samples=5)
    with pytest.raises(ValueError, match="beta=1"):
        tiny_vae(beta=2.0).compile(objective="iwae", num_samples=5)
