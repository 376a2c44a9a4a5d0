"""Scores a trained model's samples with every metric that applies to it."""

import functools
import hashlib
import inspect
import json
import pathlib

import keras
import numpy as np
from keras import ops

from keras_gen import validation
from keras_gen.conditions import conditions_for, repeat_to
from keras_gen.evaluation import intervals, metrics, modes, neighbours
from keras_gen.evaluation.classifier import (
    classifier_fingerprint,
    feature_extractor,
    mnist_classifier,
)
from keras_gen.version import __version__

#: The neighbour of improved precision and recall (Kynkäänniemi et al., 2019).
PRECISION_RECALL_K = 3
#: The neighbour of density and coverage (Naeem et al., 2020).
DENSITY_COVERAGE_K = 5
#: Bootstrap resamples of the Fréchet and kernel distances' intervals.
BOOTSTRAP_RESAMPLES = 100
#: Coverage of those intervals.
CONFIDENCE = 0.95

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


def image_hashes(images_01):
    """One hash per image of its 8-bit pixels: equal images, equal hashes."""
    from keras_gen.visualization import to_uint8

    pixels = to_uint8(images_01, (0.0, 1.0))
    return np.array(
        [hashlib.sha1(image.tobytes()).hexdigest() for image in pixels], dtype=object
    )


def default_reference_images():
    """The official MNIST test split shipped with keras_gen: images in [0, 1],
    `(10000, 28, 28, 1)`, and their labels."""
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
        reference_labels: their classes, for per-class Fréchet distances;
            default the MNIST test labels with the default images.
        batch_size: images per forward pass.
        bootstrap_resamples: resamples of the distances' bootstrap
            intervals. Default 100.

    Attributes:
        classifier_sha256: `classifier_fingerprint` of the classifier.
        reference: the reference images, in words (recorded in results).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    evaluator = kg.evaluation.Evaluator()  # bundled classifier, MNIST test digits
    noise = np.random.default_rng(0).uniform(0, 1, (100, 28, 28, 1))
    evaluator.score_images(noise.astype("float32"))["frechet_distance"]  # large
    ```
    """

    def __init__(
        self,
        classifier=None,
        reference_images=None,
        reference_labels=None,
        batch_size=500,
        bootstrap_resamples=BOOTSTRAP_RESAMPLES,
    ):
        classifier = classifier or mnist_classifier()
        self.classifier_sha256 = classifier_fingerprint(classifier)
        self.extractor = feature_extractor(classifier)
        self.batch_size = batch_size
        validation.check_count(bootstrap_resamples, "bootstrap_resamples", minimum=2)
        self.bootstrap_resamples = int(bootstrap_resamples)
        if reference_images is None:
            reference_images, default_labels = default_reference_images()
            if reference_labels is None:
                reference_labels = default_labels
            self.reference = f"the {len(reference_images):,} MNIST test digits"
        else:
            self.reference = f"{len(reference_images):,} reference images given"
        self.reference_features, _ = self.features_and_probabilities(reference_images)
        self.reference_hashes = image_hashes(reference_images)
        self._radii = {}  # k -> the reference vectors' neighbour radii
        self.reference_labels = None
        if reference_labels is not None:
            self.reference_labels = np.asarray(reference_labels).reshape(-1)
            if len(self.reference_labels) != len(reference_images):
                raise ValueError(
                    f"Got {len(self.reference_labels)} reference labels for "
                    f"{len(reference_images)} reference images."
                )

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

    def score_images(self, images_01, labels=None, detail=True, seed=0):
        """Metrics of images in [0, 1] against the reference images.

        Always: `frechet_distance`, `kernel_distance`, `classifier_score`,
        `class_coverage`, and `label_accuracy` with `labels`. With `detail`
        (default): `precision` and `recall` (k = 3), `density` and
        `coverage` (k = 5), 95% bootstrap intervals of the two distances
        (`frechet_distance_low`/`_high`, `kernel_distance_low`/`_high`), and
        with `labels` and reference labels, each class's Fréchet distance
        (`frechet_distance_class_<c>`) and their mean
        (`class_frechet_distance`).

        Args:
            images_01: `(N, H, W, C)` images in [0, 1].
            labels: the class each image should show, or `None`.
            detail: add the neighbourhood metrics and intervals.
            seed: seed of the bootstrap.
        """
        features, probabilities = self.features_and_probabilities(images_01)
        shares = metrics.class_coverage(probabilities)
        reference = self.reference_features
        result = {
            "frechet_distance": metrics.frechet_distance(reference, features),
            "kernel_distance": metrics.kernel_distance(reference, features),
            "classifier_score": metrics.classifier_score(probabilities),
            # 1.0: every class equally common; 0.0: some class never appears.
            "class_coverage": float(shares.min() * len(shares)),
        }
        if labels is not None:
            result["label_accuracy"] = metrics.label_accuracy(probabilities, labels)
        if not detail:
            return result
        result["precision"], result["recall"] = neighbours.precision_recall(
            reference,
            features,
            PRECISION_RECALL_K,
            real_radii=self._reference_radii(PRECISION_RECALL_K),
        )
        result["density"], result["coverage"] = neighbours.density_coverage(
            reference,
            features,
            DENSITY_COVERAGE_K,
            real_radii=self._reference_radii(DENSITY_COVERAGE_K),
        )
        for name, metric in (
            ("frechet_distance", metrics.frechet_distance),
            # One subset of 1,000 per resample, not 10: ten times cheaper, and
            # the interval a little wider than the 10-subset figure needs.
            (
                "kernel_distance",
                functools.partial(metrics.kernel_distance, num_subsets=1),
            ),
        ):
            low, high = intervals.bootstrap_interval(
                metric,
                reference,
                features,
                num_resamples=self.bootstrap_resamples,
                confidence=CONFIDENCE,
                seed=seed,
                estimate=result[name],
            )
            result[f"{name}_low"], result[f"{name}_high"] = low, high
        if labels is not None and self.reference_labels is not None:
            result.update(self._per_class(features, np.asarray(labels).reshape(-1)))
        return result

    def _reference_radii(self, k):
        if k not in self._radii:
            self._radii[k] = neighbours.neighbour_radii(self.reference_features, k)
        return self._radii[k]

    def _per_class(self, features, labels):
        """Each class's Fréchet distance, against the reference images of it."""
        per_class = {}
        for label in np.unique(labels):
            mine = features[labels == label]
            theirs = self.reference_features[self.reference_labels == label]
            if len(mine) > 1 and len(theirs) > 1:
                per_class[f"frechet_distance_class_{int(label)}"] = (
                    metrics.frechet_distance(theirs, mine)
                )
        if per_class:
            per_class["class_frechet_distance"] = float(
                np.mean(list(per_class.values()))
            )
        return per_class


SAMPLE_METRICS = (
    "frechet_distance",
    "kernel_distance",
    "classifier_score",
    "class_coverage",
)
#: The metrics of the reference Inception network (`InceptionMetrics`).
INCEPTION_METRICS = ("fid", "kid", "inception_score")
#: Held-out images the memorization check needs, at the least.
MIN_HELDOUT_IMAGES = 100


class EvaluationResult(dict):
    """The figures of `evaluate()`, `{name: float}`, what it skipped and how
    they were obtained.

    Attributes:
        skipped: `{metric name: reason}` for the metrics that did not apply
            to the model, or could not be computed, and why.
        provenance: how the figures were obtained: the model's class, the
            sample count and seed, the reference images, the classifier's
            `classifier_sha256`, the settings of the metrics, the package,
            Keras and backend versions.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skipped = {}
        self.provenance = {}

    def to_json(self, path=None):
        """The result as JSON (`metrics`, `skipped`, `provenance`); written to
        `path` when given (a new file: an existing one is refused)."""
        text = json.dumps(
            {
                "metrics": dict(self),
                "skipped": self.skipped,
                "provenance": self.provenance,
            },
            indent=2,
        )
        if path is not None:
            path = pathlib.Path(path)
            with open(path, "x") as file:  # never overwrites
                file.write(text + "\n")
        return text


def evaluate(
    model,
    num_samples=10_000,
    evaluator=None,
    test_data=None,
    seed=0,
    conditions=None,
    test_labels=None,
    training_images=None,
    detail=True,
    mode_samples=modes.STACKED_MNIST_SAMPLES,
    truncation=None,
    inception=None,
    **heldout_options,
):
    """Every metric that applies to `model`, with how it was obtained.

    It asks the model, so any `kg.models.GenerativeModel` can be evaluated:

    - Sample metrics on `num_samples` samples: Fréchet and kernel distances
      (with 95% bootstrap intervals), classifier score, class coverage,
      precision and recall, density and coverage (see
      `Evaluator.score_images`). The samples are for the model's
      conditions: its own (`model.condition.sample`) where it draws them,
      else `conditions`, else those of `test_data`, else those of
      `model.example_batch`.
    - Label accuracy and per-class Fréchet distances, where the samples have
      known classes: the model's class labels (a
      `kg.conditions.ClassLabel` condition), or `test_labels` for samples
      made for the conditions of `test_data` (a Pix2Pix output should show
      the digit of its input).
    - The Fréchet Inception Distance, Kernel Inception Distance and
      Inception Score (`fid`, `kid`, `inception_score`), with `inception`;
      for images the classifier cannot score, also without it, against the
      images of `test_data`, when the FID Inception weights are on this
      machine (`kg.evaluation.fid_weights_path`).
    - Memorization, with `training_images`: how close samples sit to their
      nearest training image, against the reference (held-out) images that
      are not among them; skipped when too few reference images are left.
    - Stacked MNIST, for a model of 28x28x3 images scored with a classifier
      of 28x28x1 digits: the modes reached by `mode_samples` samples and the
      KL divergence of their distribution from uniform.
    - The model's `heldout_metrics` on `test_data` (a VAE's negative ELBO
      and likelihood, a diffusion model's bound; Pix2Pix's L1 and PSNR to
      the targets), with
      `heldout_options`.

    A metric that does not apply is left out and named in `result.skipped`
    with the reason; `result.provenance` records how the figures were
    obtained, and `result.to_json(path)` writes all three.

    Args:
        model: a trained keras_gen model.
        num_samples: samples to score. Default 10,000.
        evaluator: an `Evaluator`; default the bundled MNIST classifier and
            test split.
        test_data: held-out data as the model trains on it: images (or
            `(images, labels)`) for a VAE, `(inputs, targets)` for Pix2Pix.
            Default: the shipped MNIST test digits, scaled to the model's
            `value_range`, with their labels (their conditions are not used
            for samples).
        seed: seed of the samples' noise, the bootstrap and the likelihood
            estimates.
        conditions: conditions for the samples, for a model that cannot
            draw its own; repeated in turn to `num_samples`.
        test_labels: classes of the examples of `test_data`; default the
            MNIST test labels with the default data.
        training_images: the images the model was trained on, in [0, 1], for
            the memorization check; without them it is skipped.
        detail: compute the neighbourhood metrics, the intervals and the
            per-class distances (default True; False for a quick look).
        mode_samples: samples counted on Stacked MNIST. Default 26,000, the
            published protocol.
        truncation: `None` (default) to sample as the model was trained, or
            the bound on each noise coordinate (`model.generate`'s
            truncation trick), meant to trade recall for precision.
            Recorded in `provenance`.
        inception: a `kg.evaluation.InceptionMetrics` with a `reference`,
            to score the samples with the reference Inception network too;
            its network, weights' hash, resize and reference are recorded
            in `provenance["inception"]`.
        **heldout_options: options of the model's `heldout_metrics`, e.g.
            `importance_samples=5000` for a VAE (draws per image of its
            likelihood estimate; the published protocol's 5,000). Those the
            model's signature names are recorded in `provenance`, defaults
            included; others are refused.

    Returns:
        an `EvaluationResult`: a dict of metric name to float, with
        `.skipped` and `.provenance`.

    Example:

    ```python
    import keras_gen as kg

    cgan = kg.CGAN(num_classes=10, image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
    result = kg.evaluation.evaluate(cgan, num_samples=100, detail=False)
    sorted(result)  # [..., 'frechet_distance', ..., 'label_accuracy']
    result.provenance["num_samples"]  # 100
    ```
    """
    validation.check_count(num_samples, "num_samples", minimum=2)
    options = _heldout_options(model, heldout_options)
    evaluator = evaluator or Evaluator()
    # Passed on only when set, so that a model whose generate() predates the
    # argument still evaluates.
    sampling = {} if truncation is None else {"truncation": truncation}
    result = EvaluationResult()
    result.provenance = {
        "model": type(model).__name__,
        "num_samples": int(num_samples),
        "seed": seed,
        "reference": evaluator.reference,
        "classifier_sha256": evaluator.classifier_sha256,
        "keras_gen_version": __version__,
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
    }
    if truncation is not None:
        validation.check_positive(truncation, "truncation")
        result.provenance["truncation"] = float(truncation)
    if detail:
        result.provenance.update(
            precision_recall_k=PRECISION_RECALL_K,
            density_coverage_k=DENSITY_COVERAGE_K,
            bootstrap_resamples=evaluator.bootstrap_resamples,
            confidence=CONFIDENCE,
        )
    held_out = None  # the conditions of test data the caller gave
    if inception is None and tuple(model.image_shape) != evaluator.image_shape:
        inception, reason = _inception_for(model, test_data)
        if reason:
            result.skipped.update(dict.fromkeys(INCEPTION_METRICS, reason))
    if test_data is None:
        test_images, default_labels = default_reference_images()
        low, high = model.value_range  # the digits as the model trains on them
        test_images = low + (high - low) * test_images
        test_labels = default_labels if test_labels is None else test_labels
        test_data = test_images if test_labels is None else (test_images, test_labels)
        result.provenance["test_data"] = "the 10,000 MNIST test digits"
    else:
        result.provenance["test_data"] = "given"
        try:
            held_out = model.unpack_batch(test_data)[1]
        except ValueError:
            pass
    samples = _score_samples(
        model,
        num_samples,
        evaluator,
        seed,
        conditions,
        (held_out, test_labels),
        detail,
        result,
        sampling,
        inception,
    )
    _score_memorization(samples, training_images, evaluator, result)
    _score_modes(model, mode_samples, evaluator, seed, result, sampling)
    try:
        figures = model.heldout_metrics(test_data, seed=seed, **options)
    except ValueError as error:
        result.skipped["heldout_metrics"] = (
            f"the test data do not suit the model: {error}"
        )
    else:
        result.update(figures)
        if figures:
            result.provenance.update(
                {name: _as_recorded(value) for name, value in options.items()}
            )
    return result


def _as_recorded(value):
    """An option as the provenance records it: arrays (a model's labels of
    held-out images) by their length, everything else as it is."""
    if isinstance(value, (np.ndarray, list, tuple)):
        return f"{len(value)} values given"
    return value


def _heldout_options(model, given):
    """`given` with the defaults of the model's `heldout_metrics` options;
    raises `TypeError` for an option it does not take."""
    parameters = inspect.signature(model.heldout_metrics).parameters
    named = {
        name: parameter.default
        for name, parameter in parameters.items()
        if name not in ("data", "seed")
        and parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    }
    unknown = sorted(set(given) - set(named))
    if unknown and not any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    ):
        takes = ", ".join(named) or "none"
        raise TypeError(
            f"evaluate() got {', '.join(map(repr, unknown))}, which "
            f"{type(model).__name__}.heldout_metrics does not take (its "
            f"options: {takes})."
        )
    return {**named, **given}


def _inception_for(model, test_data):
    """`(InceptionMetrics or None, reason)` for a model whose images the
    classifier cannot score: the reference is the images of `test_data`."""
    from keras_gen.evaluation.inception import fid_weights_path
    from keras_gen.evaluation.inception_metrics import InceptionMetrics

    images = None
    if test_data is not None:
        try:
            images = np.asarray(model.unpack_batch(test_data)[0])
        except (ValueError, TypeError):
            images = None
    if images is None or tuple(images.shape[1:]) != tuple(model.image_shape):
        return None, (
            "no reference images of the model's shape: pass `test_data` "
            "(held-out images) or `inception=kg.evaluation.InceptionMetrics("
            "reference=...)`"
        )
    try:
        weights = fid_weights_path(download=False)
    except FileNotFoundError as error:
        return None, f"the Inception metrics need their weights: {error}"
    inception = InceptionMetrics(weights=weights, download=False)
    inception.set_reference(images, value_range=model.value_range)
    return inception, None


def _score_samples(
    model,
    num_samples,
    evaluator,
    seed,
    conditions,
    held_out,
    detail,
    result,
    sampling,
    inception,
):
    """Adds the sample metrics to `result`, or their reasons to `result.skipped`.

    `held_out` is `(conditions, labels)` of the test data (either `None`).
    Returns the scored samples in [0, 1], or `None`.
    """
    labels = None
    condition = model.condition
    own = condition is None or condition.can_sample
    held_out_conditions, held_out_labels = held_out
    if conditions is None and not own and held_out_conditions is not None:
        conditions = held_out_conditions
        if held_out_labels is not None:
            labels = repeat_to(held_out_labels, num_samples)
    classes = condition is not None and condition.num_classes is not None
    names = SAMPLE_METRICS + (
        ("label_accuracy",) if classes or labels is not None else ()
    )

    def skip(reason):
        result.skipped.update(dict.fromkeys(names, reason))

    classifier_fits = tuple(model.image_shape) == evaluator.image_shape
    if not classifier_fits:
        skip(
            f"the evaluator's classifier scores {evaluator.image_shape} images and "
            f"the model makes {tuple(model.image_shape)}; pass "
            "`Evaluator(classifier=..., reference_images=...)` for these images"
        )
        if inception is None:
            return None
    if conditions is not None:
        conditions = repeat_to(conditions, num_samples)
    else:
        try:
            conditions = conditions_for(model, num_samples, seed)
        except ValueError as error:
            skip(str(error))
            result.skipped.update(dict.fromkeys(INCEPTION_METRICS, str(error)))
            return None
    samples = model.generate(num_samples, seed=seed, condition=conditions, **sampling)
    if labels is None and condition is not None:
        labels = condition.class_ids(conditions)
    samples = _to_unit_range(samples, model.value_range)
    if classifier_fits:
        result.update(evaluator.score_images(samples, labels, detail=detail, seed=seed))
    if inception is not None:
        result.update(
            inception.score_images(samples, value_range=(0.0, 1.0), seed=seed)
        )
        result.provenance["inception"] = {
            **inception.provenance,
            "num_samples": int(num_samples),
        }
    return samples if classifier_fits else None


def _score_memorization(samples, training_images, evaluator, result):
    names = ("memorization_ratio", "near_copy_fraction")
    if training_images is None:
        result.skipped.update(
            dict.fromkeys(names, "no `training_images` were given to compare with")
        )
        return
    if samples is None:
        result.skipped.update(dict.fromkeys(names, "no samples were scored"))
        return
    training_images = np.asarray(training_images, dtype="float32")
    # Reference images that are also training images are not held out.
    overlap = np.isin(evaluator.reference_hashes, image_hashes(training_images))
    heldout = evaluator.reference_features[~overlap]
    result.provenance["training_images"] = len(training_images)
    if overlap.any():
        result.provenance["reference_overlap"] = (
            f"{int(overlap.sum()):,} of the {len(overlap):,} reference images "
            "are also training images"
            + (
                f"; memorization compares with the {len(heldout):,} others"
                if len(heldout) >= MIN_HELDOUT_IMAGES
                else ""
            )
        )
    if len(heldout) < MIN_HELDOUT_IMAGES:
        result.skipped.update(
            dict.fromkeys(
                names,
                f"{int(overlap.sum()):,} of the {len(overlap):,} reference images "
                f"are training images, which leaves {len(heldout):,} held out "
                f"(at least {MIN_HELDOUT_IMAGES} are needed): pass "
                "`Evaluator(reference_images=...)` with images the model was "
                "not trained on",
            )
        )
        return
    train_features, _ = evaluator.features_and_probabilities(training_images)
    sample_features, _ = evaluator.features_and_probabilities(samples)
    try:
        figures = neighbours.memorization(train_features, sample_features, heldout)
    except ValueError as error:
        result.skipped.update(dict.fromkeys(names, str(error)))
        return
    result.update(figures)


def _score_modes(model, mode_samples, evaluator, seed, result, sampling):
    """Stacked MNIST modes, for a model of 28x28x3 images and a digit classifier."""
    stacked = tuple(model.image_shape) == evaluator.image_shape[:2] + (3,)
    if not stacked or evaluator.image_shape[-1] != 1:
        return
    if model.condition is not None and not model.condition.can_sample:
        result.skipped["stacked_mnist_modes"] = (
            "the model cannot draw its own conditions"
        )
        return
    samples = model.generate(int(mode_samples), seed=seed, **sampling)
    result.update(
        modes.stacked_mnist_modes(_to_unit_range(samples, model.value_range), evaluator)
    )
    result.provenance["mode_samples"] = int(mode_samples)
