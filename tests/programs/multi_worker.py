"""One worker of a 2-worker MultiWorkerMirroredStrategy run on localhost.

Usage: python -m tests.programs.multi_worker PORT0 PORT1 INDEX OUT_DIR

Each worker trains the same GAN with a Checkpoint callback pointed at its own
folder (OUT_DIR/worker-INDEX), so the test can see who wrote what, and saves
its final weights to OUT_DIR/weights-INDEX.npz.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["KERAS_BACKEND"] = "tensorflow"


def main(port0, port1, index, out_dir):
    os.environ["TF_CONFIG"] = json.dumps(
        {
            "cluster": {"worker": [f"localhost:{port0}", f"localhost:{port1}"]},
            "task": {"type": "worker", "index": int(index)},
        }
    )
    import keras
    import numpy as np
    import tensorflow as tf

    import keras_gen as kg
    from tests.helpers import IMAGE_SHAPE, tiny_gan, tiny_vae

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    images = (
        np.random.default_rng(2).uniform(-1, 1, (64,) + IMAGE_SHAPE).astype("float32")
    )
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(16)
    with strategy.scope():
        gan = tiny_gan(seed=0)
        gan.compile()
    folder = os.path.join(out_dir, f"worker-{index}")
    history = gan.fit(
        dataset, epochs=2, verbose=0, callbacks=[kg.callbacks.Checkpoint(folder)]
    )
    assert gan.distribute_strategy.num_replicas_in_sync == 2
    weights = {
        f"w{i}": keras.ops.convert_to_numpy(v)
        for i, v in enumerate(gan.trainable_variables)
    }
    weights["d_loss"] = np.array(history.history["d_loss"])
    # The VAE (Keras' own train step) trains across workers too.
    with strategy.scope():
        vae = tiny_vae(seed=0)
        vae.compile()
    vae_history = vae.fit(dataset.map(lambda x: (x + 1) / 2), epochs=1, verbose=0)
    weights["vae_loss"] = np.array(vae_history.history["loss"])
    np.savez(os.path.join(out_dir, f"weights-{index}.npz"), **weights)


if __name__ == "__main__":
    main(*sys.argv[1:])
