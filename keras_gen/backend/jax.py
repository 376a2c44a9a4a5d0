"""JAX implementation of the adversarial step's gradient layer.

Keras' JAX trainer calls `train_step(state, data)` with the model's state as
arrays and expects `(logs, new_state)` back. `stateless_step` runs the shared
(stateful-looking) step inside a `keras.StatelessScope` seeded with that
state, so every `assign` (optimizer slots, batch-norm statistics, the EMA,
the seed generator, metric trackers) lands in the scope, and reads the new
state back out of it.

`minimize` differentiates with `jax.grad`: the loss is re-run in a nested
scope whose values for the variables being trained are the function's
arguments, and the other updates made while computing it (batch-norm
statistics, the seed generator's advance) are copied to the outer scope.
"""

import jax
import jax.numpy as jnp
import keras

# Keras keeps the active scope in its global state; there is no public getter.
# tests/backends/test_private_keras.py pins the Keras versions it was checked on.
from keras.src.backend.common.stateless_scope import get_stateless_scope

#: Groups of model variables in the order of the JAX trainer's state tuples.
TRAIN_STATE = (
    "trainable_variables",
    "non_trainable_variables",
    "optimizer",
    "metrics_variables",
)
TEST_STATE = ("trainable_variables", "non_trainable_variables", "metrics_variables")


def _variables(model, group):
    if group == "optimizer":
        return model.optimizer.variables
    return getattr(model, group)


def stateless_step(model, step_fn, state, data, groups=TRAIN_STATE):
    """Runs `step_fn(data)` statelessly on `state`; returns `(logs, new_state)`."""
    variables = [_variables(model, group) for group in groups]
    mapping = [
        pair
        for group_vars, values in zip(variables, state)
        for pair in zip(group_vars, values)
    ]
    with keras.StatelessScope(state_mapping=mapping) as scope:
        logs = step_fn(data)
    new_state = tuple(
        [scope.get_current_value(v) for v in group_vars] for group_vars in variables
    )
    return logs, new_state


def _nested_scope(overrides=()):
    """A scope holding the active scope's values, with `overrides` on top."""
    outer = get_stateless_scope()
    scope = keras.StatelessScope()
    if outer is not None:
        scope.state_mapping = dict(outer.state_mapping)
    for variable, value in overrides:
        scope.state_mapping[id(variable)] = value
    return scope


def _run_nested(fn, overrides=()):
    """`(fn(), updates)`: `fn` run in a `_nested_scope(overrides)`, and the
    scope's values afterwards (what `fn` assigned, on top of the rest)."""
    scope = _nested_scope(overrides)
    with scope:
        result = fn()
    return result, scope.state_mapping


def _scaled_loss(optimizer, loss_fn, overrides=()):
    """`loss_fn()` run nested, as `jax.grad(..., has_aux=True)` takes it:
    `(scaled loss, (loss, aux, updates))`."""
    (loss, aux), updated = _run_nested(loss_fn, overrides)
    return optimizer.scale_loss(loss), (loss, aux, updated)


def minimize(optimizer, loss_fn, variables):
    """Takes one optimizer step on `variables` for the loss that `loss_fn` returns.

    Same contract as the TensorFlow version; gradients come from `jax.grad`.
    """
    variables = list(variables)

    def scaled_loss(values):
        return _scaled_loss(optimizer, loss_fn, zip(variables, values))

    outer = _outer_scope()
    values = [v.value for v in variables]
    gradients, (loss, aux, updated) = jax.grad(scaled_loss, has_aux=True)(values)
    _copy_updates(outer, updated, {id(v) for v in variables})
    optimizer.apply(gradients, variables)
    return loss, aux


def _outer_scope():
    outer = get_stateless_scope()
    if outer is None:
        raise RuntimeError(
            "keras_gen's JAX step must run inside `stateless_step` (a "
            "keras.StatelessScope); train through fit() or train_on_batch()."
        )
    return outer


def _copy_updates(outer, updated, trained):
    """Copies a nested scope's updates (batch-norm statistics, the seed
    generator) to `outer`, except the variables in `trained` (by id), whose
    nested values are the differentiated arguments."""
    for key, value in updated.items():
        if key not in trained and outer.state_mapping.get(key) is not value:
            outer.state_mapping[key] = value


def record(fn, variables):
    """Runs `fn()` under `jax.vjp`, for a later `minimize_recorded`.

    Same contract as the TensorFlow version. The updates `fn` makes (batch-norm
    statistics, the seed generator) land in the outer scope, so code run
    between the two calls (the discriminator's updates) sees them.
    """
    variables = list(variables)
    outer = _outer_scope()

    def forward(values):
        return _run_nested(fn, zip(variables, values))

    values = [v.value for v in variables]
    outputs, pullback, updated = jax.vjp(forward, values, has_aux=True)
    _copy_updates(outer, updated, {id(v) for v in variables})
    return outputs, (pullback, variables, outputs)


def minimize_recorded(optimizer, recording, loss_fn):
    """One optimizer step for `loss_fn(outputs)` through a recorded pass.

    Same contract as the TensorFlow version: the loss's gradient with
    respect to the outputs comes from `jax.grad` (in the outer scope's
    current state, so after the updates made since `record`), and the
    recorded vjp carries it back to the variables.
    """
    pullback, variables, outputs = recording
    outer = _outer_scope()

    def scaled_loss(outputs):
        return _scaled_loss(optimizer, lambda: loss_fn(outputs))

    output_gradients, (loss, aux, updated) = jax.grad(scaled_loss, has_aux=True)(
        outputs
    )
    _copy_updates(outer, updated, {id(v) for v in variables})
    (gradients,) = pullback(output_gradients)
    optimizer.apply(gradients, variables)
    return loss, aux


def input_gradient(fn, x):
    """Returns d sum(fn(x)) / dx, itself differentiable.

    Updates `fn` makes (batch-norm statistics of the critic) are discarded, as
    they would be traced inside the inner gradient.
    """

    def total(inputs):
        value, _ = _run_nested(lambda: jnp.sum(fn(inputs)))
        return value

    return jax.grad(total)(x)


def lay_out_as_batch(values):
    """`values`, one row per example, laid out over the devices as Keras lays
    out the input batch under the active `keras.distribution` (unchanged
    without one).

    For what a step draws itself (a GAN's noise): left to XLA's sharding
    propagation, the noise drawn inside a `ModelParallel` step took a layout
    whose partitioned generator-to-discriminator pass gave logits up to 4e-3
    away from the unsharded step's, with the noise and the generated images
    themselves equal; laid out as the batch, the two agree to round-off.
    """
    distribution = keras.distribution.distribution()
    if distribution is None:
        return values
    layout = distribution.get_data_layout(tuple(values.shape))
    return keras.distribution.distribute_tensor(values, layout)


class ModelMixin:
    """What a keras_gen model needs on JAX beyond Keras' trainer.

    Keras' JAX `fit()` stores the whole train state in `model._jax_state`
    after every step, for callbacks that need to sync it. Keras' attribute
    tracking (wrapping each list, checking each array) would run on every
    step and find nothing: the state holds arrays, not variables. So that
    attribute is set untracked.
    """

    def __setattr__(self, name, value):
        if name == "_jax_state":
            object.__setattr__(self, name, value)
            return
        super().__setattr__(name, value)
