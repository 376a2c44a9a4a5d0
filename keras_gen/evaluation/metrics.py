"""Sample-quality metrics that need no downloaded weights.

Feature-space metrics (Fréchet distance, kernel distance) compare two sets of
feature vectors; by default the features are the `features` layer of the
bundled MNIST classifier (for 28x28x1 images), and any Keras model can stand
in for other data (e.g. a `keras.applications` network without its top).
Classifier metrics read the classifier's class probabilities.
"""

import numpy as np

# --- Feature-space distances -------------------------------------------------


def _mean_and_covariance(features):
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(
            f"Features must be (N, D) with N >= 2; got shape {features.shape}."
        )
    return features.mean(axis=0), np.cov(features, rowvar=False)


def _psd_sqrt(matrix):
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance_from_moments(mean_a, cov_a, mean_b, cov_b):
    """Fréchet distance between Gaussians N(mean_a, cov_a) and N(mean_b, cov_b).

    `||mean_a - mean_b||^2 + Tr(cov_a + cov_b - 2 (cov_a^1/2 cov_b cov_a^1/2)^1/2)`,
    computed with symmetric eigendecompositions (no complex matrix square roots).
    """
    root_a = _psd_sqrt(np.asarray(cov_a, np.float64))
    middle = root_a @ np.asarray(cov_b, np.float64) @ root_a
    trace_sqrt = np.sqrt(
        np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)
    ).sum()
    difference = np.asarray(mean_a, np.float64) - np.asarray(mean_b, np.float64)
    distance = (
        difference @ difference + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_sqrt
    )
    return float(max(distance, 0.0))


def frechet_distance(features_a, features_b):
    """Fréchet distance between two sets of feature vectors (FID-style).

    Args:
        features_a: `(N, D)` features of one set (e.g. real images).
        features_b: `(M, D)` features of the other (e.g. generated images).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    rng = np.random.default_rng(0)
    a = rng.normal(size=(5000, 4))
    kg.evaluation.frechet_distance(a, a + 1.0)  # ~4.0: a mean shift of 1 in 4 dims
    ```
    """
    return frechet_distance_from_moments(
        *_mean_and_covariance(features_a), *_mean_and_covariance(features_b)
    )


def kernel_distance(features_a, features_b, num_subsets=10, subset_size=1000, seed=0):
    """Kernel distance (KID): unbiased MMD^2 with the kernel `(x.y / d + 1)^3`.

    Averaged over `num_subsets` random subsets of `subset_size` from each set;
    unbiased, so it is about 0 (and may be slightly negative) for sets from one
    distribution.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    rng = np.random.default_rng(0)
    same = kg.evaluation.kernel_distance(rng.normal(size=(800, 8)), rng.normal(size=(800, 8)))
    # about 0
    ```
    """
    a = np.asarray(features_a, dtype=np.float64)
    b = np.asarray(features_b, dtype=np.float64)
    size = min(subset_size, len(a), len(b))
    if size < 2:
        raise ValueError("kernel_distance needs at least 2 feature vectors per set.")
    rng = np.random.default_rng(seed)
    dimension = a.shape[1]
    estimates = []
    for _ in range(num_subsets):
        x = a[rng.choice(len(a), size, replace=False)]
        y = b[rng.choice(len(b), size, replace=False)]
        kxx = (x @ x.T / dimension + 1) ** 3
        kyy = (y @ y.T / dimension + 1) ** 3
        kxy = (x @ y.T / dimension + 1) ** 3
        off_diagonal = size * (size - 1)
        estimates.append(
            (kxx.sum() - np.trace(kxx)) / off_diagonal
            + (kyy.sum() - np.trace(kyy)) / off_diagonal
            - 2 * kxy.mean()
        )
    return float(np.mean(estimates))


# --- Classifier-based metrics -------------------------------------------------


def classifier_score(probabilities, eps=1e-12):
    """The Inception-score analogue `exp(E_x KL(p(y|x) || p(y)))` of class probabilities.

    It ranges from 1 (every sample looks alike, or each is ambiguous) to the
    number of classes (each sample is confidently one class, classes evenly
    used).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    kg.evaluation.classifier_score(np.eye(10)[np.arange(1000) % 10])  # 10.0
    ```
    """
    p = np.asarray(probabilities, dtype=np.float64)
    marginal = p.mean(axis=0)
    kl = (p * (np.log(p + eps) - np.log(marginal + eps))).sum(axis=1)
    return float(np.exp(kl.mean()))


def class_coverage(probabilities, num_classes=None):
    """The share of each class among samples, by the classifier's predicted class.

    Returns:
        array `(num_classes,)` summing to 1; uniform data gives `1 / num_classes`
        everywhere, and a missing class a 0.
    """
    p = np.asarray(probabilities)
    num_classes = num_classes or p.shape[1]
    counts = np.bincount(p.argmax(axis=1), minlength=num_classes)
    return counts / counts.sum()


def label_accuracy(probabilities, labels):
    """How often the classifier sees the requested class in a conditional model's samples."""
    return float(
        (np.asarray(probabilities).argmax(axis=1) == np.asarray(labels)).mean()
    )


# --- Paired images (image-to-image translation) -----------------------------


def _paired(outputs, targets):
    outputs = np.asarray(outputs, dtype="float64")
    targets = np.asarray(targets, dtype="float64")
    if outputs.shape != targets.shape:
        raise ValueError(
            f"Outputs of shape {outputs.shape} cannot be compared with targets "
            f"of shape {targets.shape}; pass one output per target."
        )
    return outputs, targets


def mean_absolute_error(outputs, targets):
    """The mean absolute difference between images and their targets (L1)."""
    outputs, targets = _paired(outputs, targets)
    return float(np.mean(np.abs(outputs - targets)))


def peak_signal_to_noise_ratio(outputs, targets, data_range=1.0):
    """PSNR in dB: `10 log10(data_range**2 / MSE)`, averaged over images.

    Each image's own ratio, then their mean, as image-restoration papers
    report it; an image equal to its target counts as 100 dB.

    Args:
        outputs: images `(N, H, W, C)`.
        targets: their targets, the same shape.
        data_range: the span of pixel values; 1 for images in [0, 1].
    """
    outputs, targets = _paired(outputs, targets)
    errors = np.mean((outputs - targets) ** 2, axis=tuple(range(1, outputs.ndim)))
    ratios = 10 * np.log10(data_range**2 / np.maximum(errors, 1e-10))
    return float(np.mean(ratios))


# --- Likelihood bounds --------------------------------------------------------


def _log_weights(log_weights):
    log_weights = np.asarray(log_weights, dtype="float64")
    if log_weights.ndim != 2 or log_weights.size == 0:
        raise ValueError(
            "Log importance weights must be (images, draws); got shape "
            f"{log_weights.shape}."
        )
    return log_weights


def negative_elbo(log_weights):
    """Mean negative ELBO in nats per image, from log importance weights.

    `log_weights[i, j] = log p(x_i | z_ij) + log p(z_ij) - log q(z_ij | x_i)`
    for draws `z_ij ~ q(z | x_i)` (a VAE's `log_importance_weights`); the
    ELBO of each image is the mean over its draws.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    kg.evaluation.negative_elbo(np.log([[0.5, 0.5], [0.25, 0.25]]))  # ~1.04 nats
    ```
    """
    return float(-_log_weights(log_weights).mean())


def importance_weighted_bound(log_weights):
    """Negative importance-weighted bound (IWAE, Burda et al., 2016) in nats per image.

    `-mean_i log (1/k) sum_j exp(log_weights[i, j])` over `k` draws per
    image (see `negative_elbo`): it approaches `-log p(x)` from above as k
    grows, and with the same draws it is never above `negative_elbo`. With
    k = 5,000 on the 10,000 binarised MNIST test digits it is the published
    estimate of a VAE's test negative log-likelihood.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    kg.evaluation.importance_weighted_bound(np.log([[0.5, 0.5], [0.1, 0.3]]))
    # -(log 0.5 + log 0.2) / 2, ~1.15 nats
    ```
    """
    log_weights = _log_weights(log_weights)
    peak = log_weights.max(axis=1, keepdims=True)
    log_mean = peak[:, 0] + np.log(np.exp(log_weights - peak).mean(axis=1))
    return float(-log_mean.mean())
