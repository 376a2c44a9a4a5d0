"""What a model trains on, in terms a data loader understands."""

import dataclasses

#: The kinds of training data: single images (with labels where asked),
#: `(inputs, targets)` pairs of images of one size, or unpaired batches of
#: `(images_a, images_b)`, one of each domain.
KINDS = ("images", "pairs", "unpaired")


@dataclasses.dataclass(frozen=True)
class DataSpec:
    """The data a model's `fit()` takes, for tools that load data for it.

    A model says what it trains on through its `training_data` property;
    the CLI reads it to build the dataset of a run.

    Args:
        kind: `"images"` (default): batches of images, or `(images, labels)`
            with `labels`; `"pairs"`: batches of `(inputs, targets)`, both
            images of one size (image-to-image models); `"unpaired"`: batches
            of `(images_a, images_b)`, images of two domains that do not
            correspond (`CycleGAN`).
        value_range: `(low, high)` the images are scaled to. Default
            `(-1, 1)`.
        labels: batches carry the images' integer class labels.
        binarize: each pixel is drawn as 0 or 1 with its intensity as the
            probability, afresh every epoch (a Bernoulli VAE's data);
            needs `value_range=(0, 1)`.

    Example:

    ```python
    import keras_gen as kg

    kg.CGAN(num_classes=10, base_filters=8).training_data
    # DataSpec(kind='images', value_range=(-1.0, 1.0), labels=True, binarize=False)
    ```
    """

    kind: str = "images"
    value_range: tuple = (-1.0, 1.0)
    labels: bool = False
    binarize: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(
                f"`kind` must be one of {', '.join(map(repr, KINDS))}; got "
                f"{self.kind!r}."
            )
        low, high = self.value_range
        object.__setattr__(self, "value_range", (float(low), float(high)))
        if self.binarize and self.value_range != (0.0, 1.0):
            raise ValueError(
                "binarize=True draws pixels as probabilities and needs "
                f"value_range=(0, 1); got {self.value_range}."
            )
