"""One process of a two-process JAX run of `DataParallel` on loopback.

Usage: python -m tests.programs.jax_multiprocess PROCESS_ID PORT OUT.npz
       python -m tests.programs.jax_multiprocess single - OUT.npz

Two processes (ids 0 and 1) start JAX with `jax.distributed.initialize` on
`localhost:PORT`, one CPU device each, and train the DCGAN (R1 on a subset,
an EMA) under `keras.distribution.DataParallel` over both devices, on a
`tf.data` dataset of the global batch that Keras shards per process. `single`
trains the same on one device in one process. Each writes its weights and
logged losses.
"""

import os
import sys

os.environ["KERAS_BACKEND"] = "jax"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import jax  # noqa: E402

ROLE, PORT, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
if ROLE != "single":
    # Cross-process collectives on CPU go through gloo.
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(
        coordinator_address=f"localhost:{PORT}",
        num_processes=2,
        process_id=int(ROLE),
    )

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from tests.helpers import IMAGE_SHAPE, tiny_dcgan  # noqa: E402

GLOBAL_BATCH = 16
IMAGES = np.random.default_rng(1).uniform(-1, 1, (64,) + IMAGE_SHAPE).astype("float32")


def main():
    if ROLE != "single":
        keras.distribution.set_distribution(
            keras.distribution.DataParallel(devices=jax.devices())
        )
    keras.utils.set_random_seed(0)
    model = tiny_dcgan(seed=0)
    model.compile(r1_batch_size=4)
    data = tf.data.Dataset.from_tensor_slices(IMAGES).batch(GLOBAL_BATCH)
    history = model.fit(data, epochs=2, verbose=0)
    results = {
        "devices": np.array(len(jax.devices())),
        "processes": np.array(jax.process_count()),
    }
    for index, variable in enumerate(model.variables):
        # Replicated on both processes' devices: read this process's copy.
        value = np.asarray(variable.value.addressable_data(0))
        if value.dtype.kind == "f":
            results[f"w{index}"] = value
    for key, values in history.history.items():
        results[key] = np.asarray(values)
    np.savez(OUT, **results)


if __name__ == "__main__":
    main()
