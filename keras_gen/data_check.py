"""The per-batch data check of the train step: cheap in-graph statistics of each
batch, and the message that names what was wrong and the fix.

Every train (and test) step of a keras_gen model, unless `compile(
check_data=False)`, computes a few reductions of its batch in `keras.ops`: are
the images finite, inside the model's `value_range`, or all non-negative for a
model whose range starts below 0 (images scaled to [0, 1] instead of [-1, 1]);
is a condition with a `value_range` inside it. (A batch of only zeros is
not taken for [0, 1] images.) `DataCheck`, a metric,
keeps the findings of the first bad batch of the epoch; the
`TerminateOnNonFinite` guard that every `fit()` runs first reads them from the
batch's logs, removes them (so no progress bar or history shows them), and
stops training with a `BadBatchError` that names the epoch and the batch.
"""

import math

import keras
from keras import ops

from keras_gen import validation

#: The name under which the findings travel in a step's logs.
LOG_KEY = "data_check"

#: What each finding of `DataCheck` means, in its order.
FINDINGS = (
    "images_not_finite",
    "images_above_range",
    "images_below_range",
    "images_not_negative",
    "condition_out_of_range",
)
STATISTICS = ("images_min", "images_max", "condition_min", "condition_max")

#: How far images may stray outside `value_range` (rounding).
TOLERANCE = 1e-3


class BadBatchError(ValueError):
    """Raised by `fit()` when a batch does not suit the model; names the epoch
    and batch, what was wrong and the fix."""


class DataCheck(keras.metrics.Metric):
    """Keeps the findings and statistics of the first bad batch since a reset.

    `update_state(findings, statistics)` takes a batch's 0/1 findings (see
    `FINDINGS`) and its `STATISTICS`; `result()` is one vector of both,
    all zero while every batch was good.
    """

    def __init__(self, name=LOG_KEY, **kwargs):
        super().__init__(name=name, **kwargs)
        self.values = self.add_variable(
            shape=(len(FINDINGS) + len(STATISTICS),),
            initializer="zeros",
            dtype="float32",
            name="values",
        )

    def update_state(self, findings, statistics):
        new = ops.concatenate(
            [ops.cast(findings, "float32"), ops.cast(statistics, "float32")]
        )
        current = self.values.value
        bad_so_far = ops.any(current[: len(FINDINGS)] > 0)
        bad_now = ops.any(new[: len(FINDINGS)] > 0)
        keep = ops.logical_or(bad_so_far, ops.logical_not(bad_now))
        self.values.assign(ops.where(keep, current, new))

    def result(self):
        return ops.copy(self.values.value)

    def reset_state(self):
        self.values.assign(ops.zeros(self.values.shape, dtype=self.values.dtype))


def _extremes(tensor):
    tensor = ops.cast(tensor, "float32")
    finite = ops.all(ops.isfinite(tensor))
    return ops.min(tensor), ops.max(tensor), finite


def batch_findings(images, condition, value_range, condition_range):
    """`(findings, statistics)` of one batch, as tensors (see `FINDINGS`)."""
    low, high = value_range
    images_min, images_max, images_finite = _extremes(images)
    findings = [
        ops.logical_not(images_finite),
        images_max > high + TOLERANCE,
        images_min < low - TOLERANCE,
        ops.logical_and(
            ops.convert_to_tensor(low < 0),
            ops.logical_and(images_min >= 0, images_max > 0),
        ),
    ]
    condition_min = condition_max = ops.zeros((), "float32")
    if condition is not None and condition_range is not None:
        condition_min, condition_max, condition_finite = _extremes(condition)
        c_low, c_high = condition_range
        findings.append(
            ops.logical_or(
                ops.logical_not(condition_finite),
                ops.logical_or(
                    condition_min < c_low - TOLERANCE,
                    condition_max > c_high + TOLERANCE,
                ),
            )
        )
    else:
        findings.append(ops.convert_to_tensor(False))
    statistics = [images_min, images_max, condition_min, condition_max]
    return ops.stack([ops.cast(f, "float32") for f in findings]), ops.stack(statistics)


def describe(values, model):
    """What a `DataCheck` result says is wrong with a batch, and the fix; `None`
    if nothing is."""
    found = dict(zip(FINDINGS, (v > 0 for v in values[: len(FINDINGS)])))
    stats = dict(zip(STATISTICS, values[len(FINDINGS) :]))
    low, high = model.value_range
    span = f"[{stats['images_min']:g}, {stats['images_max']:g}]"
    if found["images_not_finite"]:
        return "its images contain NaN or infinite values; clean the data."
    if found["images_above_range"] or found["images_below_range"]:
        hint = validation.normalise_hint(model.value_range)
        return (
            f"its images span {span}, but {type(model).__name__} works on "
            f"images in [{low:g}, {high:g}]: {hint}."
        )
    if found["images_not_negative"]:
        return (
            f"its images span {span}: none is below 0, but "
            f"{type(model).__name__} works on images in [{low:g}, {high:g}]; "
            "images scaled to [0, 1] train on half the range. Map them with "
            "`x * 2 - 1` (or scale uint8 images with `x / 127.5 - 1`)."
        )
    if found["condition_out_of_range"]:
        name, (c_low, c_high) = model.condition.name, model.condition.value_range
        c_min, c_max = stats["condition_min"], stats["condition_max"]
        if not (math.isfinite(c_min) and math.isfinite(c_max)):
            return f"its `{name}` hold NaN or infinite values."
        return (
            f"its `{name}` span [{c_min:g}, {c_max:g}], outside "
            f"the model's [{c_low:g}, {c_high:g}]: re-map them, or build the "
            "model for them."
        )
    return None
