import math

import numpy as np
import pytest

import keras_gen as kg
from keras_gen.evaluation import metrics

RNG = np.random.default_rng(0)


def gaussian(n, dim=4, mean=0.0, scale=1.0, seed=0):
    return np.random.default_rng(seed).normal(mean, scale, size=(n, dim))


def test_identical_sets_are_at_distance_zero():
    a = gaussian(2000)
    assert kg.evaluation.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)


def test_closed_form_of_gaussians():
    # N(m1, diag(a)) vs N(m2, diag(b)): |m1 - m2|^2 + sum (sqrt(a) - sqrt(b))^2
    a, b = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 9.0])
    m1, m2 = np.zeros(3), np.array([1.0, 2.0, 0.0])
    expected = 5.0 + (1 - 2) ** 2 + (2 - 1) ** 2 + 0
    value = metrics.frechet_distance_from_moments(m1, np.diag(a), m2, np.diag(b))
    assert value == pytest.approx(expected, abs=1e-9)


def test_shifted_and_scaled_samples_match_the_closed_form():
    shifted = kg.evaluation.frechet_distance(
        gaussian(50_000), gaussian(50_000, mean=1.0, seed=1)
    )
    assert shifted == pytest.approx(4.0, rel=0.02)  # |shift|^2 over 4 dimensions
    scaled = kg.evaluation.frechet_distance(
        gaussian(50_000), gaussian(50_000, scale=2.0, seed=1)
    )
    assert scaled == pytest.approx(4.0, rel=0.03)  # 4 * (1 - 2)^2


def test_kernel_distance_is_near_zero_for_one_distribution_and_grows_with_a_shift():
    same = kg.evaluation.kernel_distance(gaussian(1000, seed=1), gaussian(1000, seed=2))
    near = kg.evaluation.kernel_distance(
        gaussian(1000, seed=1), gaussian(1000, mean=0.3, seed=2)
    )
    far = kg.evaluation.kernel_distance(
        gaussian(1000, seed=1), gaussian(1000, mean=1.0, seed=2)
    )
    assert abs(same) < 0.05
    assert same < near < far


def test_classifier_score_bounds():
    confident_and_even = np.eye(10)[np.arange(1000) % 10]
    assert kg.evaluation.classifier_score(confident_and_even) == pytest.approx(
        10.0, rel=1e-6
    )
    all_the_same_class = np.eye(10)[np.zeros(1000, int)]
    assert kg.evaluation.classifier_score(all_the_same_class) == pytest.approx(
        1.0, rel=1e-6
    )
    undecided = np.full((1000, 10), 0.1)
    assert kg.evaluation.classifier_score(undecided) == pytest.approx(1.0, rel=1e-6)


def test_coverage_and_label_accuracy():
    probabilities = np.eye(4)[[0, 0, 1, 2]]
    np.testing.assert_allclose(
        kg.evaluation.class_coverage(probabilities), [0.5, 0.25, 0.25, 0.0]
    )
    assert kg.evaluation.label_accuracy(probabilities, [0, 1, 1, 2]) == 0.75


def test_streaming_metrics_equal_the_functions():
    a, b = (
        gaussian(3000, dim=6, seed=3),
        gaussian(3000, dim=6, mean=0.5, scale=1.5, seed=4),
    )
    metric = kg.evaluation.FrechetDistance(feature_dim=6)
    for start in range(0, 3000, 700):
        metric.update_state(a[start : start + 700], b[start : start + 700])
    assert float(metric.result()) == pytest.approx(
        kg.evaluation.frechet_distance(a, b), rel=1e-3
    )

    logits = RNG.normal(size=(2000, 10)) * 3
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    score = kg.evaluation.ClassifierScore(num_classes=10)
    score.update_state(probabilities[:1200])
    score.update_state(probabilities[1200:])
    assert float(score.result()) == pytest.approx(
        kg.evaluation.classifier_score(probabilities), rel=1e-4
    )
    score.reset_state()
    score.update_state(np.eye(10)[np.arange(100) % 10])
    assert float(score.result()) == pytest.approx(10.0, rel=1e-4)


def test_likelihood_bounds_from_log_weights():
    # Two images, two draws each, weights (importance ratios) given.
    weights = np.array([[0.5, 0.5], [0.1, 0.3]])
    elbo = kg.evaluation.negative_elbo(np.log(weights))
    iwae = kg.evaluation.importance_weighted_bound(np.log(weights))
    assert elbo == pytest.approx(-np.log(weights).mean())
    assert iwae == pytest.approx(-(np.log(0.5) + np.log(0.2)) / 2)
    assert iwae <= elbo  # log-mean-exp >= mean, on the same draws
    with pytest.raises(ValueError, match=r"\(images, draws\)"):
        kg.evaluation.negative_elbo(np.zeros(3))


def test_vae_bounds_order_and_untrained_value():
    vae = kg.VAE(image_shape=(8, 8, 1), latent_dim=2, seed=0)
    images = RNG.uniform(0, 1, (40, 8, 8, 1)).astype("float32")
    figures = vae.heldout_metrics(images, importance_samples=20)
    elbo, iwae = figures["negative_elbo"], figures["negative_log_likelihood"]
    # An untrained decoder outputs logits near 0: log 2 nats per pixel, KL near 0.
    assert elbo == pytest.approx(64 * math.log(2), rel=0.02)
    assert iwae <= elbo + 1e-6  # log-mean-exp >= mean, on the same draws
    gaussian_vae = kg.VAE(image_shape=(8, 8, 1), latent_dim=2, likelihood="gaussian")
    assert gaussian_vae.heldout_metrics(images) == {}
    with pytest.raises(ValueError, match="Bernoulli"):
        gaussian_vae.log_importance_weights(images)
