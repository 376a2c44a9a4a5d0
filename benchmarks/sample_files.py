"""Does `kg.write_samples` stream? `python benchmarks/sample_files.py`.

Measures, in one process, for the MNIST-preset DCGAN (untrained weights: the
cost does not depend on them):

- the images/s of `model.generate` alone, in chunks of 1,000 (the reference);
- the images/s of `kg.write_samples` for PNG files and for `.npz` shards, and
  their ratio to the reference: what writing costs on top of generating;
- the growth of the process's peak memory while writing `--num` images and
  while writing 5x as many: constant memory means the second is no larger.
"""

import argparse
import os
import resource
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras_gen as kg  # noqa: E402

try:  # python -m benchmarks.<script>
    from benchmarks import machine  # noqa: E402
except ImportError:  # python benchmarks/<script>.py puts benchmarks/ on the path
    import machine  # noqa: E402


def peak_rss_mib():
    """This process's peak resident memory so far, in MiB (Linux: KiB units)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate_rate(model, num, chunk):
    start = time.perf_counter()
    for first in range(0, num, chunk):
        model.generate(min(chunk, num - first), seed=first)
    return num / (time.perf_counter() - start)


def write_rate(model, num, format, folder):
    start = time.perf_counter()
    kg.write_samples(model, num, folder, format=format, verbose=0)
    return num / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num", type=int, default=10_000)
    args = parser.parse_args()
    print(machine.describe())
    model = kg.DCGAN.from_preset("mnist")
    generate_rate(model, 1000, 1000)  # warm up the traced generator
    reference = generate_rate(model, args.num, 1000)
    print(f"generate() alone        {reference:9.0f} img/s")
    with tempfile.TemporaryDirectory() as root:
        for format in ("npz", "png"):
            rate = write_rate(model, args.num, format, f"{root}/{format}")
            print(
                f"write_samples({format})    {rate:9.0f} img/s   ratio to "
                f"generate() {rate / reference:.2f}"
            )
        before = peak_rss_mib()
        write_rate(model, args.num, "npz", f"{root}/small")
        after_small = peak_rss_mib()
        write_rate(model, 5 * args.num, "npz", f"{root}/large")
        after_large = peak_rss_mib()
    print(
        f"peak memory growth: {after_small - before:.1f} MiB writing {args.num:,} "
        f"images, then {after_large - after_small:.1f} MiB more writing "
        f"{5 * args.num:,}"
    )


if __name__ == "__main__":
    main()
