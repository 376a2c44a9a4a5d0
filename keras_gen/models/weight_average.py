"""An exponential moving average of a network's weights, for sampling.

`GAN(ema=...)` and `Diffusion(ema=...)` keep one: variables of the model (so
that they are saved, restored and carried through every backend's train
step), moved towards the network's weights after each step, and swapped in
with `stateless_call` when generating.
"""

from keras import ops


def create_averages(model, network, aggregation="none"):
    """One variable of `model` per trainable weight of `network`, holding a
    copy of its current value."""
    averages = []
    for variable in network.trainable_variables:
        average = model.add_weight(
            shape=variable.shape,
            dtype=variable.dtype,
            initializer="zeros",
            trainable=False,
            name=f"ema_{variable.path.replace('/', '_')}",
            aggregation=aggregation,
        )
        # A copy: on JAX, sharing one buffer breaks buffer donation.
        average.assign(ops.copy(variable.value))
        averages.append(average)
    return averages


def warmed_up_decay(decay, step):
    """`min(decay, (1 + step) / (10 + step))`: a shorter memory early on."""
    step = ops.cast(step, "float32")
    return ops.minimum(decay, (1.0 + step) / (10.0 + step))


def move_averages(averages, variables, decay):
    """`average += (1 - decay) * (variable - average)` for each pair."""
    for average, variable in zip(averages, variables):
        value = ops.stop_gradient(ops.cast(variable.value, average.dtype))
        rate = ops.cast(1.0 - decay, average.dtype)
        average.assign(average + rate * (value - average))


def call_with_averages(network, averages, inputs):
    """`network(inputs, training=False)` with the averaged weights."""
    outputs, _ = network.stateless_call(
        [average.value for average in averages],
        [v.value for v in network.non_trainable_variables],
        inputs,
        training=False,
    )
    return outputs
