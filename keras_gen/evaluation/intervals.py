"""Bootstrap confidence intervals for set-to-set metrics."""

import numpy as np


def bootstrap_interval(
    metric,
    features_a,
    features_b,
    num_resamples=100,
    confidence=0.95,
    seed=0,
    estimate=None,
):
    """A bias-corrected bootstrap interval of `metric(features_a, features_b)`.

    Both sets are resampled with replacement, independently, `num_resamples`
    times, and the metric computed on each pair of resamples. A resample
    repeats some vectors and leaves others out, which by itself raises a
    Fréchet or kernel distance (by about half the Fréchet distance of real
    digits to the test digits); so the values are first shifted by their mean's
    excess over the estimate on the full sets, then the interval holds their
    central `confidence` share (a bias-corrected percentile interval, Efron &
    Tibshirani, 1993). It says how much the figure would move with another
    draw of samples and reference images of the same sizes; two models whose
    intervals overlap are not told apart by it.

    Args:
        metric: a function of two `(N, D)` feature arrays returning a float,
            e.g. `kg.evaluation.frechet_distance`.
        features_a: `(N, D)` features of one set (the reference images).
        features_b: `(M, D)` features of the other (the samples).
        num_resamples: bootstrap resamples. Default 100.
        confidence: the interval's coverage. Default 0.95.
        seed: seed of the resampling.
        estimate: the figure on the full sets, if computed already (perhaps
            more precisely than `metric`, e.g. a kernel distance over more
            subsets); the interval is centred on it. Default
            `metric(features_a, features_b)`.

    Returns:
        `(low, high)` as floats.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2000, 4)), rng.normal(size=(2000, 4)) + 0.5
    kg.evaluation.bootstrap_interval(kg.evaluation.frechet_distance, a, b)
    # about (0.93, 1.17) around 1.04: the true distance is 4 * 0.5**2 = 1
    ```
    """
    if not 0 < confidence < 1:
        raise ValueError(
            f"`confidence` must lie in (0, 1), e.g. 0.95; got {confidence!r}."
        )
    if int(num_resamples) < 2:
        raise ValueError(f"`num_resamples` must be at least 2; got {num_resamples!r}.")
    a, b = np.asarray(features_a), np.asarray(features_b)
    rng = np.random.default_rng(seed)
    values = np.array(
        [
            metric(
                a[rng.integers(0, len(a), len(a))],
                b[rng.integers(0, len(b), len(b))],
            )
            for _ in range(int(num_resamples))
        ]
    )
    if estimate is None:
        estimate = metric(a, b)
    values -= values.mean() - estimate  # the resampling's own bias
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)
