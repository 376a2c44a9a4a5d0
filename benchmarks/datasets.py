"""Does the MNIST pipeline keep up with training? `python benchmarks/datasets.py`.

Measures, in one process:

- the images/s `kg.datasets.mnist` delivers (a full pass after the cache is
  warm, iterating batches without training);
- the images/s the default DCGAN (28x28, base_filters 64, batch 128) trains on,
  fed from memory so the pipeline costs nothing;

and prints their ratio. The pipeline should deliver at least 10x what training
consumes, so that data loading never shows in a training run's time.
"""

import argparse
import os
import pathlib
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

import keras_gen as kg  # noqa: E402

try:  # python -m benchmarks.<script>
    from benchmarks import machine  # noqa: E402
except ImportError:  # python benchmarks/<script>.py puts benchmarks/ on the path
    import machine  # noqa: E402

SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared/datasets/mnist"


def pipeline_rate(data_dir, batch_size, passes):
    dataset = kg.datasets.mnist(batch_size=batch_size, data_dir=data_dir, seed=0)
    for _ in dataset:  # first pass fills the cache
        pass
    start, images = time.perf_counter(), 0
    for _ in range(passes):
        for batch in dataset:
            images += int(batch.shape[0])
    return images / (time.perf_counter() - start)


def training_rate(batch_size, steps):
    dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=100, seed=0)
    dcgan.compile()
    batch = tf.random.uniform((batch_size, 28, 28, 1), -1, 1)
    data = tf.data.Dataset.from_tensors(batch).repeat()
    dcgan.fit(data, steps_per_epoch=5, epochs=1, verbose=0)  # trace and warm up
    start = time.perf_counter()
    dcgan.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
    return steps * batch_size / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=SHARED if SHARED.is_dir() else None)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()

    print(f"# {machine.describe()}", flush=True)
    delivered = pipeline_rate(args.data_dir, args.batch_size, args.passes)
    consumed = training_rate(args.batch_size, args.steps)
    ratio = delivered / consumed
    print(f"{'':28} {'images/s':>10}")
    print(f"{'kg.datasets.mnist pipeline':28} {delivered:10.0f}")
    print(f"{'DCGAN 28x28 training':28} {consumed:10.0f}")
    print(
        f"ratio pipeline / training: {ratio:.1f}x ({'ok' if ratio >= 10 else 'BELOW 10x'})"
    )


if __name__ == "__main__":
    main()
