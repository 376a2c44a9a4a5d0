"""The command-line arguments every example shares.

`--data-dir` is handed to `kg.datasets.mnist(data_dir=...)`: a folder or an
`mnist.npz`. By default the examples use the copy in `../shared/datasets/mnist/`
beside the repository when there is one, and otherwise `kg.datasets.mnist`'s own
sources (tensorflow-datasets, or the sample shipped with keras_gen when offline).
"""

import argparse
import pathlib

SHARED_COPY = pathlib.Path(__file__).resolve().parents[2] / "shared/datasets/mnist"


def make_parser(description, epochs, batch_size, out):
    """The arguments every example takes: --data-dir, --epochs, --batch-size, --out."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data-dir",
        type=pathlib.Path,
        default=SHARED_COPY if SHARED_COPY.is_dir() else None,
        help="folder or mnist.npz with MNIST (default: %(default)s, else "
        "kg.datasets.mnist's own sources)",
    )
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--batch-size", type=int, default=batch_size)
    parser.add_argument(
        "--out", type=pathlib.Path, default=pathlib.Path(out), help="run folder"
    )
    return parser
