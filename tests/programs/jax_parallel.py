"""Trains keras_gen models on one device and under Keras' JAX distribution API.

Usage: python -m tests.programs.jax_parallel data N OUT.npz
       python -m tests.programs.jax_parallel model OUT.npz

`data N`: the DCGAN (R1 on a subset, an EMA), the DCGAN with R3GAN's
objective (the relativistic loss, R1 and R2 on a subset) and with ADA, the
CGAN, the VAE,
Pix2Pix (dropout as its noise, the L1 term) and the two diffusion models
(noise levels, noise and dropped labels drawn in the step, the weights'
average), each on one
device and under `DataParallel` over N host devices, on the same global
batch; then a DCGAN trained one epoch under `DataParallel` with a
`Checkpoint` and resumed for a second, under the distribution and on one
device. `model`: a wide DCGAN sharded by `ModelParallel` with
`kg.distribute.layout_map` over a 2x2 mesh (R1 on a subset, an EMA), against
the same unsharded.
Saves every run's weights and logged losses.

Run in its own process: the host device count is fixed when JAX starts.
"""

import os
import sys

DEVICES = int(sys.argv[2]) if sys.argv[1] == "data" else 4
os.environ["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={DEVICES}"
os.environ["KERAS_BACKEND"] = "jax"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tempfile  # noqa: E402

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gen as kg  # noqa: E402
from tests.helpers import (  # noqa: E402
    DATA_PARALLEL_KINDS,
    IMAGE_SHAPE,
    pairs_of,
    tiny_cgan,
    tiny_conditional_diffusion,
    tiny_dcgan,
    tiny_diffusion,
    tiny_pix2pix,
    tiny_vae,
)

GLOBAL_BATCH = 16
#: compile() options of each kind: R1 (and R2) on every 4th image of the batch.
COMPILE = {
    "dcgan": {"r1_batch_size": 4},
    "wide_dcgan": {"r1_batch_size": 4},
    "relativistic": {
        "loss": "relativistic",
        "r1_penalty": 1.0,
        "r2_penalty": 1.0,
        "r1_batch_size": 4,
    },
    "ada": {
        "augmentation": kg.augment.AdaptiveAugment(
            speed_images=64, initial_probability=0.5
        )
    },
}
RNG = np.random.default_rng(1)
IMAGES = RNG.uniform(-1, 1, (64,) + IMAGE_SHAPE).astype("float32")
LABELS = RNG.integers(0, 3, 64).astype("int32")


def data_for(kind):
    if kind == "vae":
        return ((IMAGES + 1) / 2,)
    if kind in ("cgan", "conditional_diffusion"):
        return (IMAGES, LABELS)
    if kind == "pix2pix":
        return pairs_of(IMAGES)
    return (IMAGES,)


def build(kind, distribution=None):
    keras.backend.clear_session()  # the same layer names in every build
    keras.distribution.set_distribution(distribution)  # after: clear_session resets it
    keras.utils.set_random_seed(0)
    model = {
        # R1 on every 4th image of the global batch, and an EMA.
        "dcgan": lambda: tiny_dcgan(seed=0),
        "relativistic": lambda: tiny_dcgan(seed=0),
        "ada": lambda: tiny_dcgan(seed=0),
        "cgan": lambda: tiny_cgan(seed=0),
        "vae": lambda: tiny_vae(seed=0),
        "pix2pix": lambda: tiny_pix2pix(seed=0),
        "diffusion": lambda: tiny_diffusion(ema=0.9, seed=0),
        "conditional_diffusion": lambda: tiny_conditional_diffusion(ema=0.9, seed=0),
        "wide_dcgan": lambda: kg.DCGAN.from_preset(
            "mnist", image_shape=IMAGE_SHAPE, latent_dim=4, base_filters=16, seed=0
        ),
    }[kind]()
    model.compile(**COMPILE.get(kind, {}))
    return model


def train(kind, distribution, epochs=2, callbacks=()):
    model = build(kind, distribution)
    history = model.fit(
        *data_for(kind),
        batch_size=GLOBAL_BATCH,
        epochs=epochs,
        verbose=0,
        shuffle=False,
        callbacks=list(callbacks),
    )
    keras.distribution.set_distribution(None)
    return model, history.history


def record(results, name, model, logs):
    for index, variable in enumerate(model.variables):
        value = np.asarray(keras.ops.convert_to_numpy(variable))
        if value.dtype.kind == "f":
            results[f"{name}/w{index}"] = value
    for key, values in logs.items():
        results[f"{name}/{key}"] = np.asarray(values)


def data_parallel(path):
    results = {"devices": np.array(len(jax.devices()))}
    parallel = keras.distribution.DataParallel(devices=jax.devices())
    for kind in DATA_PARALLEL_KINDS:
        record(results, f"{kind}/single", *train(kind, None))
        model, logs = train(kind, parallel)
        record(results, f"{kind}/parallel", model, logs)
        # The variables live on every device: the run was distributed.
        results[f"{kind}/parallel_devices"] = np.array(
            len(model.trainable_variables[0].value.sharding.device_set)
        )
    # Checkpoints written under the distribution resume under it and on one device.
    folder = tempfile.mkdtemp()
    train("dcgan", parallel, 1, [kg.callbacks.Checkpoint(f"{folder}/a")])
    for name, distribution in (("parallel", parallel), ("single", None)):
        copy = f"{folder}/{name}"
        os.makedirs(copy)
        for file in os.listdir(f"{folder}/a"):
            with (
                open(f"{folder}/a/{file}", "rb") as src,
                open(f"{copy}/{file}", "wb") as dst,
            ):
                dst.write(src.read())
        model, logs = train("dcgan", distribution, 2, [kg.callbacks.Checkpoint(copy)])
        record(results, f"resumed/{name}", model, logs)
    np.savez(path, **results)


def model_parallel(path):
    mesh = keras.distribution.DeviceMesh((2, 2), ["batch", "model"], jax.devices())
    layouts = kg.distribute.layout_map(build("wide_dcgan"), mesh)
    parallel = keras.distribution.ModelParallel(
        layout_map=layouts, batch_dim_name="batch"
    )
    results = {}
    record(results, "single", *train("wide_dcgan", None))
    model, logs = train("wide_dcgan", parallel)
    record(results, "parallel", model, logs)
    sharded = [
        v.path
        for v in model.trainable_variables
        if "model" in str(getattr(v.value.sharding, "spec", ""))
    ]
    results["sharded"] = np.array(sharded)
    np.savez(path, **results)


if __name__ == "__main__":
    if sys.argv[1] == "data":
        data_parallel(sys.argv[3])
    else:
        model_parallel(sys.argv[2])
