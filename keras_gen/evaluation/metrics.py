"""Sample-quality metrics that need no downloaded weights.

Feature-space metrics (Fréchet distance, kernel distance) compare two sets of
feature vectors; by default the features are the `features` layer of the
bundled MNIST classifier (for 28x28x1 images), and any Keras model can stand
in for other data (e.g. a `keras.applications` network without its top).
Classifier metrics read the classifier's class probabilities.
"""

import numpy as np
from keras import ops

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


# --- VAE likelihood bounds ----------------------------------------------------


def _binarise(images, seed):
    rng = np.random.default_rng(seed)
    return (rng.uniform(size=np.shape(images)) < np.asarray(images)).astype("float32")


def _log_likelihood_terms(vae, images, condition, num_samples, seed):
    """log p(x|z) + log p(z) - log q(z|x) for `num_samples` draws of z per image."""
    import keras

    z_mean, z_log_var = (
        ops.convert_to_numpy(t)
        for t in vae.encoder(vae.encoder_inputs(images, condition), training=False)
    )
    rng = np.random.default_rng(seed)
    terms = []
    for _ in range(num_samples):
        eps = rng.standard_normal(z_mean.shape).astype("float32")
        z = z_mean + np.exp(0.5 * z_log_var) * eps
        logits = ops.convert_to_numpy(
            vae.decoder(vae.decoder_inputs(z, condition), training=False)
        )
        log_px = -ops.convert_to_numpy(
            ops.sum(
                keras.losses.binary_crossentropy(
                    images[..., None], logits[..., None], from_logits=True
                ),
                axis=tuple(range(1, images.ndim)),
            )
        )
        log_pz = -0.5 * (z**2 + np.log(2 * np.pi)).sum(axis=1)
        log_qz = -0.5 * (eps**2 + z_log_var + np.log(2 * np.pi)).sum(axis=1)
        terms.append(log_px + log_pz - log_qz)
    return np.stack(terms, axis=1)  # (N, num_samples)


def _bound_terms(vae, images, condition, num_samples, batch_size, seed):
    if vae.likelihood != "bernoulli":
        raise ValueError(
            "Likelihood bounds here are for the Bernoulli VAE on [0, 1] images."
        )
    images = _binarise(images, seed)
    return np.concatenate(
        [
            _log_likelihood_terms(
                vae,
                images[start : start + batch_size],
                None if condition is None else condition[start : start + batch_size],
                num_samples,
                seed + start,
            )
            for start in range(0, len(images), batch_size)
        ]
    )


def negative_elbo(vae, images, num_samples=1, batch_size=500, seed=0, condition=None):
    """Mean negative ELBO in nats per image on binarised images.

    `images` in [0, 1] are binarised by sampling each pixel as a Bernoulli with
    that probability (the standard dynamically binarised MNIST protocol); the
    ELBO of each image is averaged over `num_samples` draws of z. The VAE must
    use the Bernoulli likelihood; a conditional VAE takes the images'
    `condition`.
    """
    terms = _bound_terms(vae, images, condition, num_samples, batch_size, seed)
    return float(-terms.mean())


def importance_weighted_bound(
    vae, images, num_samples=50, batch_size=500, seed=0, condition=None
):
    """Negative importance-weighted bound (IWAE, Burda et al.) in nats per image.

    `-E[log (1/k) sum_i p(x, z_i) / q(z_i|x)]` with `k = num_samples`; it
    approaches `-log p(x)` as k grows, and with the same draws (same `seed`
    and `num_samples`) it is never above `negative_elbo`. A conditional VAE
    takes the images' `condition`.
    """
    terms = _bound_terms(vae, images, condition, num_samples, batch_size, seed)
    peak = terms.max(axis=1, keepdims=True)
    log_mean = peak[:, 0] + np.log(np.exp(terms - peak).mean(axis=1))
    return float(-log_mean.mean())
