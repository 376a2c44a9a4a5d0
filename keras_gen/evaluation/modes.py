"""Counting the modes a generator reaches on Stacked MNIST."""

import numpy as np

from keras_gen.datasets.stacked import NUM_MODES

#: Samples counted, as in VEEGAN and PacGAN's Stacked MNIST protocol.
STACKED_MNIST_SAMPLES = 26_000


def mode_ids(images_01, evaluator):
    """The Stacked MNIST mode of each `(N, 28, 28, 3)` image in [0, 1].

    Each channel is classified by the evaluator's classifier as a digit;
    the mode is `100 * c0 + 10 * c1 + c2`.
    """
    images_01 = np.asarray(images_01, dtype="float32")
    if images_01.ndim != 4 or images_01.shape[-1] != 3:
        raise ValueError(
            f"Stacked MNIST images are (N, H, W, 3); got shape {images_01.shape}."
        )
    classes = [
        evaluator.features_and_probabilities(images_01[..., c : c + 1])[1].argmax(1)
        for c in range(3)
    ]
    return classes[0] * 100 + classes[1] * 10 + classes[2]


def mode_statistics(modes, num_modes=NUM_MODES):
    """`{"modes": reached, "mode_kl": KL(p || uniform)}` of a list of mode ids.

    `modes` counts the distinct ids; `mode_kl` is the KL divergence, in nats,
    of their empirical distribution from the uniform one over `num_modes`
    (0 when every mode is equally common; `log(num_modes)` when one mode
    takes all).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    kg.evaluation.mode_statistics(np.arange(1000))  # {'modes': 1000, 'mode_kl': 0.0}
    ```
    """
    counts = np.bincount(np.asarray(modes, dtype="int64"), minlength=num_modes)
    shares = counts / counts.sum()
    present = shares > 0
    kl = float((shares[present] * np.log(shares[present] * num_modes)).sum())
    return {"modes": int(present.sum()), "mode_kl": max(kl, 0.0)}


def digit_kl(modes):
    """How unevenly each channel's digits are drawn: the sum over the three
    digits of a list of Stacked MNIST mode ids of the KL divergence (nats) of
    that digit's distribution from uniform over 10.

    The mode KL of `mode_statistics` is this sum plus the dependence between
    the channels' digits (the KL of the joint distribution from the product
    of the three): a mode KL that is mostly digit KL comes from digits
    favoured in each channel, not from missing combinations.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    modes = 700 + np.arange(100)  # the first digit always 7, the others even
    kg.evaluation.digit_kl(modes)  # log(10): all of the mode KL
    ```
    """
    modes = np.asarray(modes, dtype="int64")
    digits = (modes // 100, modes // 10 % 10, modes % 10)
    return sum(mode_statistics(digit, num_modes=10)["mode_kl"] for digit in digits)


def stacked_mnist_modes(images_01, evaluator):
    """The modes reached by Stacked MNIST samples in [0, 1], and their KL.

    Returns `{"stacked_mnist_modes", "stacked_mnist_kl",
    "stacked_mnist_digit_kl"}` (see `mode_statistics` and `digit_kl`); the
    published protocol scores 26,000 samples (`STACKED_MNIST_SAMPLES`).
    """
    modes = mode_ids(images_01, evaluator)
    statistics = mode_statistics(modes)
    return {
        "stacked_mnist_modes": statistics["modes"],
        "stacked_mnist_kl": statistics["mode_kl"],
        "stacked_mnist_digit_kl": digit_kl(modes),
    }
