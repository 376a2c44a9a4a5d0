"""Metrics from nearest neighbours in feature space: quality, diversity, memorization.

A single Fréchet distance mixes two failures: samples that look wrong and
samples that look right but cover only part of the data. These metrics
separate them, from k-nearest-neighbour balls around feature vectors:

- *precision* (Kynkäänniemi et al., 2019): the share of samples inside the
  real data's manifold (quality);
- *recall*: the share of real images inside the samples' manifold
  (diversity);
- *density* and *coverage* (Naeem et al., 2020): versions that outliers move
  less; density counts how many real neighbourhoods contain each sample (about 1
  for samples like the data), coverage is the share of real neighbourhoods
  that contain any sample;
- *memorization*: how close samples sit to their nearest training image,
  against how close held-out real images sit to it.

Each function takes `(N, D)` feature arrays (`Evaluator.features_and_probabilities`
gives the bundled classifier's) and works in blocks, so 10,000 x 10,000 sets fit
in memory.
"""

import numpy as np

#: Rows per block of the distance computations.
BLOCK = 2048


def _features(array, name):
    array = np.asarray(array, dtype=np.float64)
    if array.ndim != 2 or len(array) < 2:
        raise ValueError(
            f"`{name}` must be (N, D) features with N >= 2; got {array.shape}."
        )
    return array


def _squared_norms(x):
    return np.einsum("ij,ij->i", x, x)


def _distances(x, y):
    """Euclidean distances between the rows of `x` (a block) and of `y`."""
    squared = _squared_norms(x)[:, None] + _squared_norms(y)[None, :] - 2 * x @ y.T
    return np.sqrt(np.clip(squared, 0, None))


def neighbour_radii(features, k):
    """Each vector's distance to its k-th nearest other vector of the set.

    The radii of the balls that precision, recall, density and coverage use;
    pass them as `real_radii` to compute them once for many comparisons
    against one reference set (as `kg.evaluation.Evaluator` does).
    """
    x = _features(features, "features")
    if k >= len(x):
        raise ValueError(f"k={k} needs more than {k} feature vectors; got {len(x)}.")
    radii = np.empty(len(x))
    for start in range(0, len(x), BLOCK):
        block = _distances(x[start : start + BLOCK], x)
        # Index k: the 0th smallest is the row itself.
        radii[start : start + BLOCK] = np.partition(block, k, axis=1)[:, k]
    return radii


def _inside_counts(points, centres, radii):
    """For each point, in how many balls `(centres, radii)` it lies."""
    counts = np.empty(len(points), dtype=np.int64)
    for start in range(0, len(points), BLOCK):
        block = _distances(points[start : start + BLOCK], centres)
        counts[start : start + BLOCK] = (block <= radii[None, :]).sum(axis=1)
    return counts


def precision_recall(real_features, fake_features, k=3, real_radii=None):
    """Improved precision and recall (Kynkäänniemi et al., 2019).

    Each set's manifold is the union of balls around its vectors reaching
    their k-th nearest neighbour in the same set. Precision is the share of
    fake vectors inside the real manifold; recall the share of real vectors
    inside the fake one. Both are in [0, 1], and 1 for two samples of one
    distribution as they grow.

    Args:
        real_features: `(N, D)` features of real images.
        fake_features: `(M, D)` features of generated images.
        k: the neighbour that sets each ball's radius. Default 3, the
            paper's.
        real_radii: `neighbour_radii(real_features, k)`, if already known.

    Returns:
        `(precision, recall)` as floats.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    rng = np.random.default_rng(0)
    real = rng.normal(size=(1000, 8))
    kg.evaluation.precision_recall(real, real[:500])  # (1.0, about 0.7)
    ```
    """
    real = _features(real_features, "real_features")
    fake = _features(fake_features, "fake_features")
    if real_radii is None:
        real_radii = neighbour_radii(real, k)
    fake_radii = neighbour_radii(fake, k)
    precision = (_inside_counts(fake, real, real_radii) > 0).mean()
    recall = (_inside_counts(real, fake, fake_radii) > 0).mean()
    return float(precision), float(recall)


def density_coverage(real_features, fake_features, k=5, real_radii=None):
    """Density and coverage (Naeem et al., 2020).

    With balls around the real vectors reaching their k-th nearest real
    neighbour: density is the mean number of balls a fake vector lies in,
    divided by k (about 1 when fakes are distributed like the reals, above 1
    when they crowd where the reals are dense); coverage is the share of
    balls that contain at least one fake vector (diversity, in [0, 1]).

    Args:
        real_features: `(N, D)` features of real images.
        fake_features: `(M, D)` features of generated images.
        k: the neighbour that sets each ball's radius. Default 5, the
            paper's.
        real_radii: `neighbour_radii(real_features, k)`, if already known.

    Returns:
        `(density, coverage)` as floats.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    rng = np.random.default_rng(0)
    real = rng.normal(size=(1000, 8))
    kg.evaluation.density_coverage(real, rng.normal(size=(1000, 8)))  # about (1, 0.97)
    ```
    """
    real = _features(real_features, "real_features")
    fake = _features(fake_features, "fake_features")
    radii = neighbour_radii(real, k) if real_radii is None else real_radii
    density = _inside_counts(fake, real, radii).sum() / (k * len(fake))
    covered = np.zeros(len(real), dtype=bool)
    for start in range(0, len(fake), BLOCK):
        block = _distances(fake[start : start + BLOCK], real)
        covered |= (block <= radii[None, :]).any(axis=0)
    return float(density), float(covered.mean())


def nearest_distances(points, references):
    """Each point's distance to its nearest reference vector."""
    points = _features(points, "points")
    references = _features(references, "references")
    nearest = np.empty(len(points))
    for start in range(0, len(points), BLOCK):
        nearest[start : start + BLOCK] = _distances(
            points[start : start + BLOCK], references
        ).min(axis=1)
    return nearest


def memorization(train_features, fake_features, heldout_features):
    """How much closer samples sit to the training images than new real images do.

    For each sample, the distance to its nearest training image; for each
    held-out real image (not trained on), the same. A model that generalizes
    puts samples about as far from the training set as new real images are;
    one that copies puts them much closer.

    Args:
        train_features: `(N, D)` features of the training images.
        fake_features: `(M, D)` features of samples.
        heldout_features: `(L, D)` features of real images not trained on.

    Raises:
        ValueError: half or more of the held-out features are training
            features (the ratio's denominator would be 0).

    Returns:
        a dict: `memorization_ratio`, the median nearest-training distance of
        the samples over that of the held-out images (about 1 or more: no
        sign of copying; near 0: copies); `near_copy_fraction`, the share of
        samples closer to a training image than 99% of the held-out images
        are (about 0.01 without copying).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    rng = np.random.default_rng(0)
    train, heldout = rng.normal(size=(1000, 8)), rng.normal(size=(500, 8))
    kg.evaluation.memorization(train, train[:500], heldout)["memorization_ratio"]  # 0.0
    ```
    """
    train = _features(train_features, "train_features")
    samples = nearest_distances(fake_features, train)
    heldout = nearest_distances(heldout_features, train)
    if np.median(heldout) == 0:
        raise ValueError(
            "The held-out images' median distance to the training images is 0: "
            "at least half of them are training images. Memorization needs "
            "held-out images the model was not trained on."
        )
    threshold = np.quantile(heldout, 0.01)
    return {
        "memorization_ratio": float(np.median(samples) / np.median(heldout)),
        "near_copy_fraction": float((samples < threshold).mean()),
    }
