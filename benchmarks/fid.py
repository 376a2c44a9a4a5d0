"""What do the reference FID features cost? `python benchmarks/fid.py`.

Measures, in one process, the images/s of `kg.evaluation.InceptionMetrics`
(the FID Inception network at 299x299; random weights: the cost does not
depend on them) on `--num` images:

- 28x28 grayscale images with the `"tf1"` resize (the reference);
- 32x32 colour images with the `"tf1"` resize;
- 28x28 grayscale images with the `"clean"` resize (PIL, on the CPU);

each with its ratio to the reference and its time per 10,000 images.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import keras_gen as kg  # noqa: E402

try:  # python -m benchmarks.<script>
    from benchmarks import machine  # noqa: E402
except ImportError:  # python benchmarks/<script>.py puts benchmarks/ on the path
    import machine  # noqa: E402


def rate(metrics, images):
    metrics.features(images[: metrics.batch_size])  # trace the pipeline
    start = time.perf_counter()
    metrics.features(images)
    return len(images) / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=50)
    args = parser.parse_args()
    print(machine.describe())
    network = kg.evaluation.build_fid_inception()
    rng = np.random.default_rng(0)
    gray = rng.integers(0, 256, (args.num, 28, 28, 1), dtype=np.uint8)
    colour = rng.integers(0, 256, (args.num, 32, 32, 3), dtype=np.uint8)
    rows = [
        ("28x28x1, tf1 resize", "tf1", gray),
        ("32x32x3, tf1 resize", "tf1", colour),
        ("28x28x1, clean resize", "clean", gray),
    ]
    reference = None
    for name, resize, images in rows:
        metrics = kg.evaluation.InceptionMetrics(
            network=network, resize=resize, batch_size=args.batch_size
        )
        images_per_second = rate(metrics, images)
        reference = reference or images_per_second
        print(
            f"{name:<24} {images_per_second:8.1f} img/s   ratio to the first "
            f"{images_per_second / reference:5.2f}   "
            f"{10_000 / images_per_second / 60:6.1f} min per 10,000 images"
        )


if __name__ == "__main__":
    main()
