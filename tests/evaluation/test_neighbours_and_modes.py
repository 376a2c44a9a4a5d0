"""Precision/recall, density/coverage, memorization, intervals and mode counts,
each against a case with a known answer."""

import json

import numpy as np
import pytest

import keras_gen as kg
from keras_gen.evaluation.evaluate import default_reference_images


def clusters(num_modes, per_mode, seed=0, modes=None, spread=0.05):
    """Points around `num_modes` well-separated centres (or only `modes` of them)."""
    rng = np.random.default_rng(seed)
    centres = np.eye(num_modes, 16) * 10.0
    chosen = range(num_modes) if modes is None else modes
    return np.concatenate(
        [
            c + spread * rng.standard_normal((per_mode, 16))
            for c in centres[list(chosen)]
        ]
    )


def test_identical_sets():
    x = clusters(4, 100)
    assert kg.evaluation.precision_recall(x, x) == (1.0, 1.0)
    density, coverage = kg.evaluation.density_coverage(x, x, k=5)
    # Each ball holds its centre and its 5 neighbours: density (k + 1) / k.
    assert density == pytest.approx(6 / 5) and coverage == 1.0


def test_disjoint_sets():
    real, fake = clusters(4, 100), clusters(4, 100) + 100.0
    assert kg.evaluation.precision_recall(real, fake) == (0.0, 0.0)
    assert kg.evaluation.density_coverage(real, fake) == (0.0, 0.0)


def test_a_set_covering_half_the_modes_keeps_precision_and_halves_recall():
    """Against a fresh draw of all ten modes, samples of five keep the
    precision and the density per mode, and get half the recall and coverage."""
    real = clusters(10, 100, seed=0)
    fresh = clusters(10, 100, seed=1)
    half = clusters(10, 200, seed=2, modes=range(5))
    full_precision, full_recall = kg.evaluation.precision_recall(real, fresh)
    precision, recall = kg.evaluation.precision_recall(real, half)
    assert full_recall > 0.5
    assert precision == pytest.approx(full_precision, abs=0.05)
    assert recall == pytest.approx(full_recall / 2, abs=0.05)
    full_density, full_coverage = kg.evaluation.density_coverage(real, fresh)
    density, coverage = kg.evaluation.density_coverage(real, half)
    assert coverage == pytest.approx(full_coverage / 2, abs=0.05)
    assert density == pytest.approx(full_density, rel=0.15)


def test_copies_of_training_images_are_memorization():
    train = clusters(10, 200, seed=0)
    heldout = clusters(10, 50, seed=1)
    copies = kg.evaluation.memorization(train, train[::4], heldout)
    assert copies == {"memorization_ratio": 0.0, "near_copy_fraction": 1.0}
    fresh = kg.evaluation.memorization(train, clusters(10, 50, seed=2), heldout)
    assert fresh["memorization_ratio"] == pytest.approx(1.0, abs=0.15)
    assert fresh["near_copy_fraction"] < 0.05


def test_bootstrap_interval_holds_the_true_distance_and_narrows_with_more_data():
    rng = np.random.default_rng(0)

    def interval(n):
        a = rng.standard_normal((n, 4))
        b = rng.standard_normal((n, 4)) + 0.5  # true Fréchet distance: 4 * 0.25 = 1
        return kg.evaluation.bootstrap_interval(kg.evaluation.frechet_distance, a, b)

    low, high = interval(4000)
    assert low < 1.0 < high
    small_low, small_high = interval(500)
    assert small_high - small_low > 2 * (high - low)


def test_mode_statistics_have_known_answers():
    assert kg.evaluation.mode_statistics(np.arange(1000)) == {
        "modes": 1000,
        "mode_kl": 0.0,
    }
    one = kg.evaluation.mode_statistics(np.full(500, 7))
    assert one["modes"] == 1 and one["mode_kl"] == pytest.approx(np.log(1000))
    half = kg.evaluation.mode_statistics(np.repeat(np.arange(500), 3))
    assert half["modes"] == 500 and half["mode_kl"] == pytest.approx(np.log(2))


def test_digit_kl_separates_favoured_digits_from_missing_combinations():
    # The first digit always 7: every bit of the mode KL is the digits'.
    sevens = 700 + np.arange(100)
    assert kg.evaluation.digit_kl(sevens) == pytest.approx(np.log(10))
    assert kg.evaluation.mode_statistics(sevens)["mode_kl"] == pytest.approx(np.log(10))
    # Only triples of one digit (000, 111, ...): each digit is even, the
    # mode KL is all dependence between the channels.
    triples = np.arange(10) * 111
    assert kg.evaluation.digit_kl(triples) == pytest.approx(0.0, abs=1e-12)
    assert kg.evaluation.mode_statistics(triples)["mode_kl"] == pytest.approx(
        np.log(100)
    )


@pytest.fixture(scope="module")
def evaluator():
    images, labels = default_reference_images()
    return kg.evaluation.Evaluator(
        reference_images=images[5000:],
        reference_labels=labels[5000:],
        bootstrap_resamples=10,
    )


@pytest.mark.slow
def test_stacked_mnist_of_real_digits_reaches_every_mode(evaluator):
    images, modes = kg.datasets.stacked_mnist_arrays(26_000, split="test", seed=0)
    assert images.shape == (26_000, 28, 28, 3) and modes.max() < 1000
    counted = kg.evaluation.mode_ids(images.astype("float32") / 255, evaluator)
    assert (counted == modes).mean() > 0.95  # 0.99 per digit, cubed
    scores = kg.evaluation.stacked_mnist_modes(
        images.astype("float32") / 255, evaluator
    )
    assert scores["stacked_mnist_modes"] >= 995
    assert scores["stacked_mnist_kl"] < 0.05
    assert 0 <= scores["stacked_mnist_digit_kl"] < scores["stacked_mnist_kl"]


@pytest.mark.slow
def test_per_class_distances_see_classes_drawn_wrongly(evaluator):
    images, labels = default_reference_images()
    images, labels = images[:2000], labels[:2000]
    right = evaluator.score_images(images, labels, detail=False)
    assert "class_frechet_distance" not in right  # a detail
    right = evaluator.score_images(images, labels)
    # Every class asked for shows the next digit.
    shifted = evaluator.score_images(images, (labels + 1) % 10)
    assert shifted["class_frechet_distance"] > 3 * right["class_frechet_distance"]
    # Only the 3s are scored as 8s: the 8s' distance grows, the 1s' stays.
    wrong = labels.copy()
    wrong[wrong == 3] = 8
    scores = evaluator.score_images(images, wrong)
    assert scores["frechet_distance_class_8"] > 1.5 * right["frechet_distance_class_8"]
    assert scores["frechet_distance_class_1"] == pytest.approx(
        right["frechet_distance_class_1"]
    )
    assert "frechet_distance_class_3" not in scores


@pytest.mark.slow
def test_real_digits_score_high_precision_and_recall_a_collapse_does_not(evaluator):
    """The test split's two halves (different writers) against each other, and
    only the 1s of one half: quality stays, diversity goes."""
    images, labels = default_reference_images()
    scores = evaluator.score_images(images[:5000], labels[:5000])
    assert scores["precision"] > 0.7 and scores["recall"] > 0.7
    assert 0.5 < scores["density"] < 1.5 and scores["coverage"] > 0.6
    assert scores["frechet_distance_low"] < scores["frechet_distance"]
    assert scores["frechet_distance"] < scores["frechet_distance_high"]
    one_class = images[:5000][labels[:5000] == 1]
    collapsed = evaluator.score_images(one_class)
    assert collapsed["precision"] > 0.7
    assert collapsed["recall"] < 0.3 * scores["recall"]
    assert collapsed["coverage"] < 0.3 * scores["coverage"]


def test_result_records_how_it_was_obtained_and_never_overwrites(evaluator, tmp_path):
    dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
    train, _ = default_reference_images()
    result = kg.evaluation.evaluate(
        dcgan, 300, evaluator, seed=3, training_images=train[:1000]
    )
    provenance = result.provenance
    assert provenance["num_samples"] == 300 and provenance["seed"] == 3
    assert provenance["classifier_sha256"] == evaluator.classifier_sha256
    assert len(evaluator.classifier_sha256) == 64
    assert provenance["reference"] == "5,000 reference images given"
    assert provenance["keras_gen_version"] == kg.__version__
    assert (
        provenance["precision_recall_k"] == 3 and provenance["training_images"] == 1000
    )
    assert {"precision", "recall", "memorization_ratio"} <= set(result)
    written = json.loads(result.to_json(tmp_path / "scores.json"))
    assert written["metrics"]["precision"] == result["precision"]
    assert written["provenance"] == provenance
    with pytest.raises(FileExistsError):
        result.to_json(tmp_path / "scores.json")


def test_classifier_fingerprint_changes_with_the_weights():
    classifier = kg.evaluation.mnist_classifier()
    before = kg.evaluation.classifier_fingerprint(classifier)
    assert (
        kg.evaluation.classifier_fingerprint(kg.evaluation.mnist_classifier()) == before
    )
    weights = classifier.get_weights()
    weights[-1] = weights[-1] + 1e-3
    classifier.set_weights(weights)
    assert kg.evaluation.classifier_fingerprint(classifier) != before


def test_evaluate_counts_modes_of_a_three_channel_model(evaluator):
    dcgan = kg.DCGAN(image_shape=(28, 28, 3), latent_dim=8, base_filters=4)
    result = kg.evaluation.evaluate(dcgan, 100, evaluator, mode_samples=2000)
    assert 1 <= result["stacked_mnist_modes"] <= 1000
    assert 0 <= result["stacked_mnist_kl"] <= np.log(1000) + 1e-9
    assert result.provenance["mode_samples"] == 2000
    assert "frechet_distance" in result.skipped  # the classifier scores 28x28x1
