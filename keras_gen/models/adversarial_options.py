"""Checks of a GAN's `compile()` options, one value at a time."""

import warnings

from keras_gen import losses as losses_module

#: What `compile()`'s `"auto"` regularization means when the model's
#: `compile_defaults()` says nothing: none.
NO_REGULARIZATION = {
    "label_smoothing": 0.0,
    "r1_penalty": 0.0,
    "r2_penalty": 0.0,
    "r1_batch_size": None,
}


def resolve_auto(name, value, defaults):
    """`defaults[name]` for `"auto"`, else `value`; raises on another string."""
    if isinstance(value, str):
        if value != "auto":
            raise ValueError(
                f"`{name}` must be a number or 'auto' (the model's default); "
                f"got {value!r}."
            )
        return defaults[name]
    return value


def penalty_weight(value, name):
    """`value` as a float >= 0; raises `ValueError` otherwise."""
    value = float(value)
    if value < 0:
        raise ValueError(
            f"`{name}` is a penalty weight and must be >= 0 (0 disables it); "
            f"got {value}."
        )
    return value


def label_smoothing(value, loss):
    """`value` as a float in [0, 1) that `loss` can use."""
    value = float(value)
    if not 0.0 <= value < 1.0:
        raise ValueError(
            f"`label_smoothing` must lie in [0, 1), e.g. 0.1 for a real label "
            f"of 0.9; got {value}."
        )
    if value and not loss.supports_label_smoothing:
        raise ValueError(
            f"Label smoothing has no meaning for {loss!r}; use it with "
            "'non_saturating', 'minimax' or 'least_squares', or set "
            "label_smoothing=0."
        )
    return value


def r1_batch_size(value, penalized):
    """`value` as a positive int or `None`; warns when no penalty uses it."""
    if value is None:
        return None
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(
            "`r1_batch_size` must be a positive integer (real images per "
            f"batch for the R1 penalty) or None; got {value!r}."
        )
    if not penalized:
        warnings.warn(
            "`r1_batch_size` has no effect without `r1_penalty` or "
            "`r2_penalty`; pass r1_penalty=..., e.g. 0.3.",
            stacklevel=3,
        )
    return int(value)


def d_steps(value):
    """`value` as an int >= 1."""
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f"`d_steps` must be an integer >= 1; got {value!r}.")
    return int(value)


def flag(value, name):
    """`value` if it is True or False."""
    if value not in (True, False):
        raise ValueError(f"`{name}` must be True or False; got {value!r}.")
    return bool(value)


def warn_without_constraint(loss, gradient_penalty):
    """Warns that a Wasserstein critic without a gradient penalty diverges."""
    if isinstance(loss, losses_module.WassersteinLoss) and not gradient_penalty:
        warnings.warn(
            "The Wasserstein loss needs a Lipschitz constraint on the critic, "
            "or training diverges: pass gradient_penalty=10.0.",
            stacklevel=3,
        )
