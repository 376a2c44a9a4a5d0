"""The optimizers of two-player models: one per player, and the pair as one.

A GAN (and a CycleGAN, whose two generators form one player and whose two
discriminators the other) trains each player with its own optimizer.
`resolve_pair` makes and builds the two, loss-scaled under the
`"mixed_float16"` policy; `combined_optimizer` joins them into the single
`model.optimizer` Keras expects.
"""

import keras

from keras_gen import backend

#: The DCGAN paper's Adam settings for both networks (Radford et al., 2016).
PAPER_LEARNING_RATE = 2e-4
PAPER_BETA_1 = 0.5
#: Keras' (and Adam's) default second-moment decay.
KERAS_BETA_2 = 0.999


def default_optimizer(
    learning_rate=PAPER_LEARNING_RATE, beta_1=PAPER_BETA_1, beta_2=KERAS_BETA_2
):
    """Adam(learning_rate, beta_1, beta_2); by default the DCGAN paper's
    Adam(2e-4, beta_1=0.5)."""
    return keras.optimizers.Adam(
        learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2
    )


def needs_loss_scaling():
    """Whether the global dtype policy needs loss scaling (`mixed_float16`)."""
    return keras.mixed_precision.dtype_policy().name == "mixed_float16"


def with_loss_scaling(optimizer, prefix):
    """`optimizer` wrapped in a `LossScaleOptimizer`, unless it is one."""
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(
        optimizer, name=f"{prefix}_loss_scale_optimizer"
    )


def unscaled(optimizer):
    """The optimizer inside a `LossScaleOptimizer`, or `optimizer` itself."""
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer.inner_optimizer
    return optimizer


def resolve_pair(d_optimizer, d_variables, g_optimizer, g_variables, auto_scale_loss):
    """The two players' optimizers (instances, names or configs), loss-scaled
    under `"mixed_float16"` when `auto_scale_loss`, and built on their variables.

    Raises:
        ValueError: both are one object, or loss scaling is asked for on JAX.
    """
    d_optimizer = keras.optimizers.get(d_optimizer)
    g_optimizer = keras.optimizers.get(g_optimizer)
    if d_optimizer is g_optimizer:
        raise ValueError(
            "`d_optimizer` and `g_optimizer` are the same object; each "
            "network needs its own optimizer state. Pass two instances."
        )
    if auto_scale_loss and needs_loss_scaling():
        if backend.BACKEND == "jax":
            raise ValueError(
                "The 'mixed_float16' policy needs loss scaling, which "
                "keras_gen's JAX step does not carry; on JAX use "
                "keras.mixed_precision.set_global_policy('mixed_bfloat16')."
            )
        d_optimizer = with_loss_scaling(d_optimizer, "d")
        g_optimizer = with_loss_scaling(g_optimizer, "g")
    d_optimizer.build(d_variables)
    g_optimizer.build(g_variables)
    return d_optimizer, g_optimizer


class CombinedOptimizer(keras.optimizers.MultiOptimizer):
    """`model.optimizer` of a two-player model: the players' optimizers as one.

    The train step applies each optimizer itself; this one exists so that
    Keras sees the model's optimizer state (the JAX trainer carries
    `model.optimizer.variables` through the step), so that learning-rate
    callbacks reach both optimizers through `.optimizers`, and so that
    `.iterations` counts train steps.

    `d_optimizer` and `g_optimizer` save their own state in a `.keras` file;
    this one saves only its step count, rather than a second copy of theirs.
    """

    def save_own_variables(self, store):
        store["iterations"] = keras.ops.convert_to_numpy(self.iterations)

    def load_own_variables(self, store):
        if "iterations" in store.keys():
            self.iterations.assign(store["iterations"])


def combined_optimizer(d_optimizer, d_variables, g_optimizer, g_variables):
    """Builds the `CombinedOptimizer` over `d_optimizer` and `g_optimizer`."""
    d_ids = {id(v) for v in d_variables}
    inner_d, inner_g = unscaled(d_optimizer), unscaled(g_optimizer)

    def optimizer_for(variable):
        return inner_d if id(variable) in d_ids else inner_g

    combined = CombinedOptimizer(optimizer_for, name="gan_optimizer")
    # MultiOptimizer.build resets its inner optimizers' loss_scale_factor.
    factors = inner_d.loss_scale_factor, inner_g.loss_scale_factor
    combined.build(list(d_variables) + list(g_variables))
    inner_d.loss_scale_factor, inner_g.loss_scale_factor = factors
    return combined
