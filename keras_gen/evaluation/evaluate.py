"""Scores a trained model's samples with every metric that applies to it."""

import json
import pathlib

import numpy as np
from keras import ops

from keras_gen import validation
from keras_gen.evaluation import metrics
from keras_gen.evaluation.classifier import feature_extractor, mnist_classifier

#: What real MNIST training digits score with the bundled classifier against the
#: test digits (written by `scripts/real_digit_scores.py`).
REAL_DIGIT_SCORES = pathlib.Path(__file__).parent / "data" / "real_digit_scores.json"


def real_digit_scores():
    """What real MNIST digits score with the bundled classifier: `{metric: float}`.

    The figures a perfect generator would reach on the default `Evaluator`
    (real training digits against the test digits), for reading a model's
    scores; `keras-gen evaluate` prints them beside each.
    """
    return json.loads(REAL_DIGIT_SCORES.read_text())["scores"]


def _to_unit_range(samples, value_range):
    """Samples mapped from the model's `value_range` to [0, 1], clipped to it
    (a generator without a bounded output can overshoot)."""
    low, high = value_range
    return np.clip((np.asarray(samples, dtype="float32") - low) / (high - low), 0, 1)


def default_reference_images():
    """The official MNIST test split shipped with keras_gen, in [0, 1], `(10000, 28, 28, 1)`."""
    from keras_gen.datasets.mnist_sources import bundled

    images, labels = bundled("test")
    return images[..., None].astype("float32") / 255.0, labels.astype("int32")


class Evaluator:
    """Features and class probabilities of images, from one classifier.

    Args:
        classifier: a Keras model from images in [0, 1] to class logits with a
            layer named `features`; defaults to the bundled MNIST classifier.
        reference_images: real images in [0, 1] to compare samples with;
            defaults to the MNIST test split shipped with keras_gen.
        batch_size: images per forward pass.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    evaluator = kg.evaluation.Evaluator()  # bundled classifier, MNIST test digits
    noise = np.random.default_rng(0).uniform(0, 1, (100, 28, 28, 1))
    evaluator.score_images(noise.astype("float32"))["frechet_distance"]  # large
    ```
    """

    def __init__(self, classifier=None, reference_images=None, batch_size=500):
        self.extractor = feature_extractor(classifier or mnist_classifier())
        self.batch_size = batch_size
        if reference_images is None:
            reference_images, _ = default_reference_images()
        self.reference_features, _ = self.features_and_probabilities(reference_images)

    @property
    def image_shape(self):
        """`(height, width, channels)` of the images the classifier scores."""
        return tuple(self.extractor.inputs[0].shape[1:])

    def check_images(self, images_01):
        """Raises `ValueError` unless the classifier can score these images."""
        validation.check_image_shape(
            np.shape(images_01),
            self.image_shape,
            "The evaluator's classifier",
            fix="The bundled classifier scores 28x28 grayscale digits; for other "
            "images pass `Evaluator(classifier=...)`, a Keras classifier of them "
            "with a layer named `features`, and `reference_images`.",
        )
        validation.check_image_values(
            images_01, (0.0, 1.0), "The evaluator", reason="the classifier's input"
        )

    def features_and_probabilities(self, images_01):
        """The classifier's features and class probabilities of images in [0, 1]."""
        self.check_images(images_01)
        features, logits = [], []
        for start in range(0, len(images_01), self.batch_size):
            batch_features, batch_logits = self.extractor(
                images_01[start : start + self.batch_size], training=False
            )
            features.append(ops.convert_to_numpy(batch_features))
            logits.append(ops.convert_to_numpy(batch_logits))
        logits = np.concatenate(logits).astype("float64")
        probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        return np.concatenate(features), probabilities

    def score_images(self, images_01, labels=None):
        """Metrics of images in [0, 1] against the reference images."""
        features, probabilities = self.features_and_probabilities(images_01)
        shares = metrics.class_coverage(probabilities)
        result = {
            "frechet_distance": metrics.frechet_distance(
                self.reference_features, features
            ),
            "kernel_distance": metrics.kernel_distance(
                self.reference_features, features
            ),
            "classifier_score": metrics.classifier_score(probabilities),
            # 1.0: every class equally common; 0.0: some class never appears.
            "class_coverage": float(shares.min() * len(shares)),
        }
        if labels is not None:
            result["label_accuracy"] = metrics.label_accuracy(probabilities, labels)
        return result


SAMPLE_METRICS = (
    "frechet_distance",
    "kernel_distance",
    "classifier_score",
    "class_coverage",
)


class EvaluationResult(dict):
    """The figures of `evaluate()`, `{name: float}`, and what it skipped.

    Attributes:
        skipped: `{metric name: reason}` for the metrics that did not apply
            to the model, or could not be computed, and why.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skipped = {}


def evaluate(
    model,
    num_samples=10_000,
    evaluator=None,
    test_images=None,
    seed=0,
    conditions=None,
    test_labels=None,
):
    """Every metric that applies to `model`, on `num_samples` samples.

    It asks the model, so any `kg.models.GenerativeModel` can be evaluated:

    - Sample metrics (Fréchet distance, kernel distance, classifier score,
      class coverage) on samples for the model's own conditions
      (`model.conditions_for`), and label accuracy where those are class
      labels (`model.class_labels`).
    - The model's `likelihood_metrics` (a VAE's negative ELBO and
      importance-weighted bound) on `test_images`, with their labels as the
      condition of a conditional model.

    A metric that does not apply is left out and named in `result.skipped`
    with the reason (the evaluator's classifier scores other images; the
    model cannot draw its own conditions and none were given).

    Args:
        model: a trained keras_gen model.
        num_samples: samples to score. Default 10,000.
        evaluator: an `Evaluator`; default the bundled MNIST classifier and
            test split.
        test_images: held-out images in [0, 1] for likelihood metrics;
            default the shipped MNIST test split.
        seed: seed of the samples' noise (and of the likelihood estimates).
        conditions: conditions for the samples, for a model that cannot
            draw its own; repeated in turn to `num_samples`. Default: the
            model's own, else those of `model.example_batch`.
        test_labels: labels of `test_images` (default: the MNIST test
            labels with the default images).

    Returns:
        an `EvaluationResult`: a dict of metric name to float, with
        `.skipped`.

    Example:

    ```python
    import keras_gen as kg

    cgan = kg.CGAN(num_classes=10, image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
    result = kg.evaluation.evaluate(cgan, num_samples=100)
    sorted(result)  # [..., 'frechet_distance', ..., 'label_accuracy']
    result.skipped  # {}
    ```
    """
    evaluator = evaluator or Evaluator()
    result = EvaluationResult()
    _score_samples(model, num_samples, evaluator, seed, conditions, result)
    if test_images is None:
        test_images, default_labels = default_reference_images()
        test_labels = default_labels if test_labels is None else test_labels
    data = test_images if test_labels is None else (test_images, test_labels)
    try:
        result.update(model.likelihood_metrics(data, seed=seed))
    except ValueError as error:
        result.skipped["likelihood_metrics"] = (
            f"the test images do not suit the model: {error}"
        )
    return result


def _score_samples(model, num_samples, evaluator, seed, conditions, result):
    """Adds the sample metrics to `result`, or their reasons to `result.skipped`."""
    classes = model.class_labels(model.sample_conditions(1)) is not None
    names = SAMPLE_METRICS + (("label_accuracy",) if classes else ())

    def skip(reason):
        result.skipped.update(dict.fromkeys(names, reason))

    if tuple(model.image_shape) != evaluator.image_shape:
        return skip(
            f"the evaluator's classifier scores {evaluator.image_shape} images and "
            f"the model makes {tuple(model.image_shape)}; pass "
            "`Evaluator(classifier=..., reference_images=...)` for these images"
        )
    if conditions is not None:
        conditions = np.asarray(conditions)
        conditions = np.take(conditions, np.arange(num_samples) % len(conditions), 0)
    else:
        try:
            conditions = model.conditions_for(num_samples, seed)
        except ValueError as error:
            return skip(str(error))
    samples = model.generate(num_samples, seed=seed, condition=conditions)
    result.update(
        evaluator.score_images(
            _to_unit_range(samples, model.value_range),
            model.class_labels(conditions),
        )
    )
