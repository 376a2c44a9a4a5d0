"""`keras-gen fid A B`: the reference Fréchet Inception Distance between two sources.

A source is a folder of images, a statistics file (`.npz`, pytorch-fid's
layout), a run folder or `.keras` file (its model is sampled), or
`tfds:NAME[:SPLIT]` (a tensorflow-datasets split). `--save-stats FILE`
writes the statistics of `A` for later runs, and with one source does only
that.
"""

import pathlib

from keras_gen.cli.errors import UsageError
from keras_gen.cli.run_folder import load_model
from keras_gen.evaluation.inception_metrics import (
    IMAGE_SUFFIXES,
    KID_SUBSET_SIZE,
    KID_SUBSETS,
    InceptionMetrics,
    Statistics,
)
from keras_gen.evaluation.metrics import kernel_distance
from keras_gen.evaluation.resize import RESIZES

SOURCE_HELP = (
    "a folder of images, a statistics file (.npz), a run folder or .keras "
    "file (sampled), or tfds:NAME[:SPLIT]"
)


def _source(text, imports):
    """`(source for InceptionMetrics, description)` of one command-line source."""
    if text.startswith("tfds:"):
        import tensorflow_datasets as tfds

        name, _, split = text[len("tfds:") :].partition(":")
        split = split or "train"
        dataset = tfds.load(name, split=split, shuffle_files=False)
        return dataset, f"tensorflow-datasets {name}, split {split}"
    path = pathlib.Path(text)
    if path.suffix == ".npz":
        if not path.is_file():
            raise UsageError(f"no statistics file at {path}")
        return path, f"the statistics in {path}"
    if path.is_dir() and any(
        p.suffix.lower() in IMAGE_SUFFIXES for p in path.iterdir()
    ):
        return path, f"the images in {path}"
    if path.is_dir() or path.suffix == ".keras":
        model = load_model(path, imports)[0]
        return model, f"samples of the {type(model).__name__} in {path}"
    raise UsageError(f"{text} is not {SOURCE_HELP}")


def _summary(metrics, text, args):
    """`(Statistics, pool features or None)` of one command-line source."""
    source, description = _source(text, args.imports)
    if isinstance(source, pathlib.Path) and source.suffix == ".npz":
        return Statistics.load(source), None
    pool, _ = metrics.features(source, num_samples=args.num_samples, seed=args.seed)
    return Statistics.of(pool, description), pool


def run(args):
    if args.b is None and args.save_stats is None:
        raise UsageError("give a second source B, or --save-stats FILE")
    if args.kid and any(text.endswith(".npz") for text in (args.a, args.b or "")):
        raise UsageError("--kid needs images on both sides, not statistics files")
    if args.save_stats is not None and args.save_stats.exists():
        raise UsageError(f"{args.save_stats} exists; statistics never replace a file")
    metrics = InceptionMetrics(
        weights=args.weights, resize=args.resize, batch_size=args.batch_size
    )
    statistics_a, pool_a = _summary(metrics, args.a, args)
    if args.save_stats is not None:
        statistics_a.save(args.save_stats)
        print(
            f"Saved the statistics of {statistics_a.num_images:,} images to {args.save_stats}"
        )
    if args.b is None:
        return
    statistics_b, pool_b = _summary(metrics, args.b, args)
    print(f"fid {metrics.fid(statistics_a, statistics_b):.4f}")
    if args.kid:
        kid = kernel_distance(
            pool_a, pool_b, num_subsets=KID_SUBSETS, subset_size=KID_SUBSET_SIZE
        )
        print(f"kid {kid:.6f}")
    for name, statistics in (("A", statistics_a), ("B", statistics_b)):
        count = (
            f"{statistics.num_images:,} images"
            if statistics.num_images
            else "count not recorded"
        )
        print(f"{name}: {statistics.description} ({count})")
    print(
        f"resize {metrics.resize}; weights sha256 {metrics.weights_sha256[:12]}; "
        "comparable with papers at 50,000 samples against the training set"
    )


def add_parser(commands, positive, add_import_option):
    """Adds `fid` to the command's subparsers."""
    parser = commands.add_parser(
        "fid",
        help="Fréchet Inception Distance between two image sources",
        description="The Fréchet Inception Distance (and, with --kid, the "
        "Kernel Inception Distance) between A and B, with the reference "
        "Inception network and resize (see docs/guides/evaluation.md). The "
        "network's weights come from --weights, $KERAS_GEN_FID_WEIGHTS or "
        "Keras' cache, else are fetched once.",
    )
    parser.add_argument("a", metavar="A", help=SOURCE_HELP)
    parser.add_argument("b", metavar="B", nargs="?", help=SOURCE_HELP)
    parser.add_argument(
        "--weights", type=pathlib.Path, help="the FID Inception weights file"
    )
    parser.add_argument(
        "--resize", choices=RESIZES, default="tf1", help="default tf1, the published"
    )
    parser.add_argument(
        "--num-samples",
        type=positive,
        default=10_000,
        help="samples drawn from a model source (default 10,000; papers use 50,000)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=positive, default=50)
    parser.add_argument(
        "--kid", action="store_true", help="also the Kernel Inception Distance"
    )
    parser.add_argument(
        "--save-stats",
        type=pathlib.Path,
        metavar="FILE",
        help="write A's statistics to FILE (.npz, a new file)",
    )
    add_import_option(parser)
    parser.set_defaults(handler=run)
    return parser
