"""The options of a GAN's `compile()`, resolved and checked in one place."""

import dataclasses
import warnings

from keras_gen import losses as losses_module

#: `compile()` arguments whose `"auto"` means the model's `default_regularization`.
REGULARIZATION = {"label_smoothing": 0.0, "r1_penalty": 0.0, "r1_batch_size": None}


def _resolve_auto(name, value, defaults):
    if isinstance(value, str):
        if value != "auto":
            raise ValueError(
                f"`{name}` must be a number or 'auto' (the model's default); "
                f"got {value!r}."
            )
        return defaults[name]
    return value


@dataclasses.dataclass(frozen=True)
class AdversarialOptions:
    """What `GAN.compile()` trains with, each option resolved and checked.

    Build it with `resolve()`; `GAN.compile` copies the fields onto the
    model, and `get_compile_config()` records them, so a reloaded model
    trains as the saved one did.
    """

    adversarial_loss: losses_module.AdversarialLoss
    gradient_penalty: float = 0.0
    r1_penalty: float = 0.0
    r1_batch_size: int | None = None
    label_smoothing: float = 0.0
    d_steps: int = 1
    reuse_fake_images: bool = True

    @classmethod
    def resolve(
        cls,
        default_regularization,
        loss="non_saturating",
        gradient_penalty=0.0,
        r1_penalty="auto",
        r1_batch_size="auto",
        label_smoothing="auto",
        d_steps=1,
        reuse_fake_images=True,
    ):
        """Resolves `compile()`'s arguments; raises `ValueError` on a bad one.

        Args:
            default_regularization: the model's `default_regularization`, a
                function from the loss to the values `"auto"` takes.
            **others: as for `GAN.compile`.
        """
        adversarial_loss = losses_module.get(loss)
        gradient_penalty = float(gradient_penalty)
        defaults = {**REGULARIZATION, **default_regularization(adversarial_loss)}
        if gradient_penalty:  # one penalty on D unless both are asked for
            defaults["r1_penalty"] = 0.0
        r1_penalty = float(_resolve_auto("r1_penalty", r1_penalty, defaults))
        if not r1_penalty:
            defaults["r1_batch_size"] = None
        options = cls(
            adversarial_loss=adversarial_loss,
            gradient_penalty=gradient_penalty,
            r1_penalty=r1_penalty,
            r1_batch_size=_resolve_auto("r1_batch_size", r1_batch_size, defaults),
            label_smoothing=float(
                _resolve_auto("label_smoothing", label_smoothing, defaults)
            ),
            d_steps=d_steps,
            reuse_fake_images=reuse_fake_images,
        )
        options.check()
        return dataclasses.replace(
            options,
            d_steps=int(options.d_steps),
            r1_batch_size=None
            if options.r1_batch_size is None
            else int(options.r1_batch_size),
        )

    def check(self):
        """Raises `ValueError` on an option out of range; warns on a useless one."""
        for name in ("gradient_penalty", "r1_penalty"):
            if getattr(self, name) < 0:
                raise ValueError(
                    f"`{name}` is a penalty weight and must be >= 0 (0 "
                    f"disables it); got {getattr(self, name)}."
                )
        if not 0.0 <= self.label_smoothing < 1.0:
            raise ValueError(
                f"`label_smoothing` must lie in [0, 1), e.g. 0.1 for a real "
                f"label of 0.9; got {self.label_smoothing}."
            )
        if self.label_smoothing and not self.adversarial_loss.supports_label_smoothing:
            raise ValueError(
                f"Label smoothing has no meaning for {self.adversarial_loss!r}; "
                "use it with 'non_saturating', 'minimax' or 'least_squares', "
                "or set label_smoothing=0."
            )
        size = self.r1_batch_size
        if size is not None and (
            isinstance(size, bool) or int(size) != size or size < 1
        ):
            raise ValueError(
                "`r1_batch_size` must be a positive integer (real images per "
                f"batch for the R1 penalty) or None; got {size!r}."
            )
        if size is not None and not self.r1_penalty:
            warnings.warn(
                "`r1_batch_size` has no effect without `r1_penalty`; pass "
                "r1_penalty=..., e.g. 0.3.",
                stacklevel=4,
            )
        if (
            isinstance(self.d_steps, bool)
            or int(self.d_steps) != self.d_steps
            or (self.d_steps < 1)
        ):
            raise ValueError(
                f"`d_steps` must be an integer >= 1; got {self.d_steps!r}."
            )
        if self.reuse_fake_images not in (True, False):
            raise ValueError(
                "`reuse_fake_images` must be True or False; got "
                f"{self.reuse_fake_images!r}."
            )
        if isinstance(self.adversarial_loss, losses_module.WassersteinLoss) and (
            not self.gradient_penalty
        ):
            warnings.warn(
                "The Wasserstein loss needs a Lipschitz constraint on the "
                "critic, or training diverges: pass gradient_penalty=10.0.",
                stacklevel=4,
            )

    def get_config(self):
        """The options as `compile()` arguments (JSON-serializable)."""
        config = {
            field.name: getattr(self, field.name)
            for field in dataclasses.fields(self)
            if field.name != "adversarial_loss"
        }
        return {"loss": losses_module.serialize(self.adversarial_loss), **config}
