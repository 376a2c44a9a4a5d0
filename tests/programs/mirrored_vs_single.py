"""Trains the same model on one device and under MirroredStrategy on 2 logical CPUs.

KIND: a GAN objective (`gan`, `wgan_gp`, `r1_subset`, `relativistic`, `ada`)
or `diffusion` / `conditional_diffusion` (Keras' own train step: the noise
levels, the noise and the dropped labels drawn per replica, the loss scaled
for the replicas, the weights' average).

Usage: python -m tests.programs.mirrored_vs_single OUT.npz KIND

Run in its own process: logical devices must be configured before TensorFlow
starts. Saves the final weights and the logged losses of both runs.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["KERAS_BACKEND"] = "tensorflow"

import tensorflow as tf  # noqa: E402

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration()] * 2
)

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gen as kg  # noqa: E402
from tests.helpers import (  # noqa: E402
    IMAGE_SHAPE,
    tiny_conditional_diffusion,
    tiny_diffusion,
    tiny_gan,
)

GLOBAL_BATCH = 16
DIFFUSION = {
    "diffusion": tiny_diffusion,
    "conditional_diffusion": tiny_conditional_diffusion,
}


def build(kind):
    if kind in DIFFUSION:
        model = DIFFUSION[kind](ema=0.9, seed=0)
        rng = np.random.default_rng(1)
        for variable in model.network.trainable_variables:
            variable.assign(rng.normal(0, 0.1, variable.shape).astype("float32"))
        model.compile(optimizer=keras.optimizers.Adam(1e-3), jit_compile=False)
        return model
    options = {
        "gan": {},
        "wgan_gp": {"gradient_penalty": 10.0, "loss": "wasserstein"},
        # R1 on every 4th image of the global batch: 2 of each replica's 8.
        "r1_subset": {"r1_penalty": 1.0, "r1_batch_size": 4},
        # R3GAN's objective: each replica pairs its share of the real and
        # generated images, as one device pairs the global batch.
        "relativistic": {
            "loss": "relativistic",
            "r1_penalty": 1.0,
            "r2_penalty": 1.0,
            "r1_batch_size": 4,
        },
        # ADA: each replica augments its rows as one device does, and the
        # probability follows the global batch's verdicts.
        "ada": {
            "augmentation": kg.augment.AdaptiveAugment(
                speed_images=64, initial_probability=0.5
            )
        },
    }[kind]
    model = tiny_gan(seed=0)
    rng = np.random.default_rng(1)
    for variable in model.trainable_variables:
        variable.assign(rng.normal(0, 0.2, variable.shape).astype("float32"))
    model.compile(
        d_optimizer=keras.optimizers.Adam(1e-3),
        g_optimizer=keras.optimizers.Adam(1e-3),
        # tf.distribute runs without XLA; so does the single-device run, whose
        # random ops would otherwise pick another generator algorithm.
        jit_compile=False,
        **options,
    )
    return model


def train(kind, strategy):
    images = (
        np.random.default_rng(2).uniform(-1, 1, (64,) + IMAGE_SHAPE).astype("float32")
    )
    labels = np.random.default_rng(3).integers(0, 3, 64).astype("int32")
    slices = (images, labels) if kind == "conditional_diffusion" else images
    dataset = tf.data.Dataset.from_tensor_slices(slices).batch(GLOBAL_BATCH)
    with strategy.scope():
        model = build(kind)
    history = model.fit(dataset, epochs=2, verbose=0)
    weights = [keras.ops.convert_to_numpy(v) for v in model.trainable_variables]
    if kind in DIFFUSION:
        weights += [keras.ops.convert_to_numpy(v) for v in model._ema_weights]
        weights.append(keras.ops.convert_to_numpy(model.ema_steps))
    else:
        weights.append(keras.ops.convert_to_numpy(model.augment_probability))
    return weights, history.history, model.distribute_strategy.num_replicas_in_sync


def main(path, kind):
    single, single_logs, n1 = train(kind, tf.distribute.get_strategy())
    mirrored, mirrored_logs, n2 = train(
        kind, tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    )
    assert (n1, n2) == (1, 2), (n1, n2)
    results = {"replicas": np.array([n1, n2])}
    for index, (a, b) in enumerate(zip(single, mirrored)):
        results[f"single/w{index}"] = a
        results[f"mirrored/w{index}"] = b
    for name in single_logs:
        results[f"single/{name}"] = np.array(single_logs[name])
        results[f"mirrored/{name}"] = np.array(mirrored_logs[name])
    np.savez(path, **results)


if __name__ == "__main__":
    main(*sys.argv[1:])
