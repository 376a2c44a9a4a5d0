"""The `keras-gen` command: train, sample, export and evaluate without writing code.

```
keras-gen train dcgan --dataset mnist --epochs 50 --out runs/dcgan
keras-gen train dcgan --out runs/dcgan --epochs 80 --resume   # continue that run
keras-gen sample runs/dcgan --num 64 --out grid.png
keras-gen sample runs/cgan --labels 3 3 7 7 --out sevens.png
keras-gen export runs/dcgan exports/dcgan/1
keras-gen evaluate runs/dcgan
keras-gen sample my_model.keras --import my_project.models --conditions c.npy
```

`sample`, `export` and `evaluate` take a run folder or a `.keras` file of any
registered model, a user's own subclass included: `--import MODULE` imports
the module that registers its class before loading.

A run folder holds everything a run writes:

| path | what |
| --- | --- |
| `run.json` | the settings the run was started with (`--resume` reuses them) |
| `samples/epoch_NNNN.png`, `samples/progress.gif` | image grids from fixed noise |
| `checkpoints/ckpt-NNNN.keras` | the full training state (`kg.callbacks.Checkpoint`) |
| `logs/` | TensorBoard logs: losses and sample grids |
| `history.csv` | one row of logged metrics per epoch (`keras.callbacks.CSVLogger`) |
| `model.keras` | the trained model, written when training ends |

A usage error (unknown option, a run folder that is missing or already used)
prints one line and exits with status 2.
"""

import argparse
import json
import os
import pathlib
import sys
import warnings

import keras

from keras_gen import validation

RUN_FILE = "run.json"
MODEL_FILE = "model.keras"
MODELS = ("gan", "dcgan", "cgan", "vae", "pix2pix")
#: The MNIST pairs a pix2pix run trains on (`kg.datasets.TASKS`).
TASKS = ("super_resolution", "inpainting")
#: Settings stored in run.json and reused by `--resume`.
RUN_SETTINGS = (
    "model",
    "preset",
    "task",
    "dataset",
    "data_dir",
    "image_size",
    "color_mode",
    "batch_size",
    "latent_dim",
    "base_filters",
    "hidden_units",
    "num_classes",
    "label_smoothing",
    "r1_penalty",
    "r1_batch_size",
    "ema",
    "seed",
    "checkpoint_every",
)


#: GAN options whose default is the model's own; run.json records what they became.
GAN_OPTIONS = ("label_smoothing", "r1_penalty", "r1_batch_size", "ema")


class UsageError(Exception):
    """A command-line mistake: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{self.prog}: error: {message}")


# --- Building blocks (importable for scripts) -------------------------------


def build_model(settings, image_shape, output_channels=None):
    """The model a run's settings describe, for images of `image_shape`
    (a pix2pix run's inputs, with `output_channels` in its targets)."""
    import keras_gen as kg

    kind, latent, seed = settings["model"], settings["latent_dim"], settings["seed"]
    # "auto": the model's default (a new run); None: no average.
    ema = settings.get("ema")
    averaging = {} if ema == "auto" else {"ema": ema}
    if latent == "auto":  # a new run without --latent-dim
        latent = None
    if kind == "gan":
        latent = latent or 64
        hidden = tuple(settings["hidden_units"] or (256, 256))
        return kg.GAN(
            kg.networks.mlp_generator(latent, image_shape, hidden),
            kg.networks.mlp_discriminator(image_shape, hidden),
            latent_dim=latent,
            seed=seed,
            **averaging,
        )
    width = (
        {"base_filters": settings["base_filters"]} if settings["base_filters"] else {}
    )
    if kind == "dcgan":
        noise = {"latent_dim": latent} if latent else {}
        arguments = dict(image_shape=image_shape, seed=seed, **noise, **width)
        if settings.get("preset"):
            return kg.DCGAN.from_preset(settings["preset"], **arguments, **averaging)
        return kg.DCGAN(**arguments, **averaging)
    if kind == "pix2pix":
        return kg.Pix2Pix(
            image_shape,
            output_channels=output_channels,
            seed=seed,
            **width,
            **averaging,
        )
    if kind == "cgan":
        return kg.CGAN(
            settings["num_classes"],
            image_shape,
            latent_dim=latent or 100,
            seed=seed,
            **width,
            **averaging,
        )
    return kg.VAE(image_shape, latent_dim=latent or 16, seed=seed)


def load_dataset(settings):
    """The training dataset a run's settings describe."""
    import keras_gen as kg

    kind = settings["model"]
    if kind == "pix2pix":
        return _load_pairs(settings)
    options = {
        "batch_size": settings["batch_size"],
        "labels": kind == "cgan",
        "value_range": (0.0, 1.0) if kind == "vae" else (-1.0, 1.0),
        "seed": settings["seed"],
    }
    size = settings["image_size"]
    image_size = (size, size) if size else None
    name, data_dir = settings["dataset"], settings["data_dir"]
    if name == "mnist":
        # The VAE learns binarised digits, the data its likelihood is reported on.
        return kg.datasets.mnist(
            data_dir=data_dir, image_size=image_size, binarize=kind == "vae", **options
        )
    if name == "folder":
        if not data_dir:
            raise UsageError("--dataset folder needs --data-dir, the image folder")
        return kg.datasets.from_directory(
            data_dir,
            image_size=image_size or (64, 64),
            color_mode=settings["color_mode"],
            **options,
        )
    return kg.datasets.load(name, data_dir=data_dir, image_size=image_size, **options)


def _load_pairs(settings):
    """A pix2pix run's pairs: MNIST pairs for its task, or A|B files."""
    import keras_gen as kg

    name, data_dir = settings["dataset"], settings["data_dir"]
    options = {"batch_size": settings["batch_size"], "seed": settings["seed"]}
    if name == "mnist":
        return kg.datasets.mnist_pairs(settings["task"], data_dir=data_dir, **options)
    if name == "folder":
        if not data_dir:
            raise UsageError(
                "--dataset folder needs --data-dir, a folder of side-by-side "
                "input|target image files"
            )
        size = settings["image_size"]
        return kg.datasets.paired_from_side_by_side(
            data_dir,
            image_size=(size, size) if size else None,
            color_mode=settings["color_mode"],
            **options,
        )
    raise UsageError(
        "pix2pix trains on --dataset mnist (pairs for --task) or --dataset "
        "folder (side-by-side input|target files under --data-dir)"
    )


def _task(args):
    """The MNIST task of a new pix2pix run; None for other runs."""
    if args.model != "pix2pix":
        if args.task is not None:
            raise UsageError("--task is for pix2pix runs")
        return None
    if args.latent_dim is not None:
        raise UsageError("pix2pix takes no --latent-dim: dropout is its noise")
    if args.dataset != "mnist":
        if args.task is not None:
            raise UsageError(
                "--task makes MNIST pairs; with --dataset folder the files "
                "hold the pairs"
            )
        return None
    return args.task or "super_resolution"


def import_modules(names):
    """Imports the modules that register users' model classes (`--import`)."""
    import importlib

    if "" not in sys.path:  # as `python -m` does: the working folder's modules
        sys.path.insert(0, "")
    for name in names or ():
        try:
            importlib.import_module(name)
        except ImportError as error:
            raise UsageError(f"--import {name}: {error}") from None


def load_run_model(run, modules=()):
    """The model of a run folder (`model.keras`, else its newest checkpoint) or
    of a `.keras` file, after importing `modules`."""
    import keras

    import keras_gen as kg

    import_modules(modules)
    run = pathlib.Path(run)
    if run.is_file():
        path = run
    elif not run.is_dir():
        raise UsageError(f"no run folder or .keras file at {run}")
    else:
        path = run / MODEL_FILE
        if not path.is_file():
            checkpoints = kg.callbacks.Checkpoint(run / "checkpoints").checkpoints()
            if not checkpoints:
                raise UsageError(
                    f"{run} holds no {MODEL_FILE} and no checkpoint; train it "
                    f"first (keras-gen train ... --out {run})"
                )
            path = list(checkpoints.values())[-1]
    try:
        validation.check_keras_file(path)
    except ValueError as error:
        raise UsageError(str(error)) from None
    try:
        return keras.models.load_model(path)
    except TypeError as error:
        name = _class_name(path)
        if name is None or "Could not locate class" not in str(error):
            raise
        raise UsageError(
            f"{path} holds a model of class {name!r}, which is not registered: "
            "pass --import MODULE, the module that defines it with "
            "@keras.saving.register_keras_serializable"
        ) from None


def _class_name(path):
    """The class name of the model in a `.keras` file, or `None`."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    return config.get("class_name")


# --- Commands ---------------------------------------------------------------


def _read_settings(run):
    try:
        return json.loads((run / RUN_FILE).read_text())
    except FileNotFoundError:
        raise UsageError(
            f"nothing to resume: {run / RUN_FILE} does not exist; start the run "
            "without --resume"
        ) from None


class HistoryLog(keras.callbacks.CSVLogger):
    """`keras.callbacks.CSVLogger` with epochs numbered from 1, as the grid and
    checkpoint files are, and only the metrics logged (no empty `val_*`
    columns when nothing is validated)."""

    def on_epoch_end(self, epoch, logs=None):
        if self.keys is None:
            self.keys = sorted((logs or {}).keys())
        super().on_epoch_end(epoch + 1, logs)


def _data_source(settings, caught):
    """Where the training data came from, in words."""
    from keras_gen.datasets.mnist_sources import DATA_DIR_ENV

    name, data_dir = settings["dataset"], settings["data_dir"]
    if name == "mnist" and not data_dir:
        data_dir = os.environ.get(DATA_DIR_ENV)
    if data_dir:
        return f"{name} from {data_dir}"
    if name == "mnist":
        offline = any("could not be downloaded" in str(w.message) for w in caught)
        return (
            "the 10,000 MNIST test digits shipped with keras_gen (offline)"
            if offline
            else "mnist from tensorflow-datasets"
        )
    return f"{name} from tensorflow-datasets"


def _preset(args):
    """The DCGAN preset a new run uses: `--preset`, else "mnist" for MNIST at 28x28."""
    if args.model != "dcgan":
        if args.preset not in (None, "none"):
            raise UsageError("--preset is for dcgan runs")
        return None
    if args.preset is None:
        mnist = args.dataset == "mnist" and args.image_size in (None, 28)
        return "mnist" if mnist else None
    return None if args.preset == "none" else args.preset


def train(args):
    import keras

    import keras_gen as kg

    run = args.out
    if args.resume:
        settings = _read_settings(run)
        if args.model != settings["model"]:
            raise UsageError(
                f"{run} is a {settings['model']} run; resume it with "
                f"`keras-gen train {settings['model']} --out {run} --resume`"
            )
    else:
        if (run / RUN_FILE).exists():
            raise UsageError(
                f"{run} already holds a run; pass --resume to continue it, or "
                "choose another --out"
            )
        if run.is_file() or (run.is_dir() and any(run.iterdir())):
            raise UsageError(
                f"{run} already holds files and no run; choose a new or empty "
                "--out, so that nothing there is overwritten"
            )
        if args.model == "cgan" and args.num_classes is None:
            args.num_classes = 10
        if args.model == "vae" and any(
            getattr(args, n) is not None for n in GAN_OPTIONS
        ):
            raise UsageError(
                "--label-smoothing, --r1-penalty, --r1-batch-size and --ema are "
                "for the GANs (gan, dcgan, cgan), not the vae"
            )
        settings = {name: getattr(args, name) for name in RUN_SETTINGS}
        settings["preset"] = _preset(args)
        settings["task"] = _task(args)
        settings["latent_dim"] = settings["latent_dim"] or "auto"
        if args.model != "vae":  # unset: the model's default, recorded below
            for name in GAN_OPTIONS:
                settings[name] = "auto" if settings[name] is None else settings[name]
            settings["ema"] = settings["ema"] or None  # --ema 0: no average
        if settings["data_dir"] is not None:
            settings["data_dir"] = str(pathlib.Path(settings["data_dir"]).resolve())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            dataset = load_dataset(settings)
        except FileNotFoundError as error:
            raise UsageError(str(error)) from None
    for warning in caught:  # shown as they would have been
        warnings.warn_explicit(
            warning.message, warning.category, warning.filename, warning.lineno
        )
    spec = dataset.element_spec
    image_shape = tuple((spec[0] if isinstance(spec, tuple) else spec).shape[1:])
    output_channels = spec[1].shape[-1] if settings["model"] == "pix2pix" else None
    batches = int(dataset.cardinality())
    count = (
        f"{batches:,} batches of {settings['batch_size']}" if batches > 0 else "batches"
    )
    task = f" ({settings['task']} pairs)" if settings.get("task") else ""
    print(
        f"Training a {settings['model']} on {_data_source(settings, caught)}"
        f"{task}: {count} images of shape {image_shape} per epoch."
    )
    model = build_model(settings, image_shape, output_channels)
    if settings["model"] == "vae":
        model.compile()
    else:
        model.compile(
            label_smoothing=settings["label_smoothing"],
            r1_penalty=settings["r1_penalty"],
            r1_batch_size=settings["r1_batch_size"],
        )
        # What "auto" became, so that --resume rebuilds the same model.
        for name in GAN_OPTIONS:
            settings[name] = getattr(model, name)
    settings["latent_dim"] = model.latent_dim
    run.mkdir(parents=True, exist_ok=True)
    (run / RUN_FILE).write_text(json.dumps(settings, indent=2) + "\n")
    callbacks = [
        kg.callbacks.Checkpoint(
            run / "checkpoints", every=settings["checkpoint_every"]
        ),
        kg.callbacks.ImageGrid(run / "samples", log_dir=run / "logs"),
        kg.callbacks.TrainingMonitor(),
        HistoryLog(run / "history.csv", append=args.resume),
        keras.callbacks.TensorBoard(run / "logs"),
    ]
    model.fit(dataset, epochs=args.epochs, callbacks=callbacks, verbose=args.verbose)
    model.save(run / MODEL_FILE)
    print(f"Saved {run / MODEL_FILE}")


def _conditions(args, model):
    """The conditions `sample` draws for, from --labels or --conditions."""
    import numpy as np

    if args.labels and args.conditions:
        raise UsageError("pass --labels or --conditions, not both")
    if model.condition_spec() is None:
        if args.labels or args.conditions:
            raise UsageError(
                f"--labels and --conditions need a conditional model; {args.run} "
                f"holds an unconditional {type(model).__name__}"
            )
        return None
    if args.conditions:
        try:
            given = np.load(args.conditions)
        except (OSError, ValueError) as error:
            raise UsageError(f"--conditions {args.conditions}: {error}") from None
    elif args.labels:
        if model.class_labels(model.sample_conditions(1)) is None:
            raise UsageError(
                f"--labels needs a model conditioned on class labels; {args.run} "
                f"is conditioned on `{model.condition_name}`: pass --conditions"
            )
        given = np.asarray(args.labels, "int32")
    else:
        given = model.sample_conditions(args.num, args.seed)
        if given is None:
            raise UsageError(
                f"{type(model).__name__} cannot draw its own "
                f"`{model.condition_name}`: pass --conditions FILE.npy"
            )
    conditions = np.take(given, np.arange(args.num) % len(given), axis=0)
    try:
        model.check_condition(conditions, args.num)
    except ValueError as error:
        raise UsageError(str(error)) from None
    return conditions


def _check_output_file(path, overwrite):
    if path.exists() and not overwrite:
        raise UsageError(
            f"{path} already exists; choose another --out, or pass --overwrite "
            "to replace it"
        )


def _task_pairs(run):
    """`(inputs, targets, labels)` of the MNIST test pairs of a pix2pix run's
    task, or `None` when `run` is not such a run folder."""
    import keras_gen as kg

    run = pathlib.Path(run)
    if not (run / RUN_FILE).is_file():
        return None
    settings = _read_settings(run)
    if not settings.get("task"):
        return None
    return kg.datasets.mnist_pair_arrays(
        settings["task"], "test", settings.get("data_dir")
    )


def sample(args):
    import keras_gen as kg

    _check_output_file(args.out, args.overwrite)
    model = load_run_model(args.run, args.imports)
    pairs = _task_pairs(args.run)
    if pairs is not None and not (args.labels or args.conditions):
        # The task's test inputs: rows of inputs, outputs and targets.
        examples = model.unpack_batch(pairs[:2])
        images, columns = model.grid_images(
            model.grid_inputs(args.num, args.seed, examples)
        )
        grid = kg.visualization.image_grid(
            images, args.columns or columns, model.value_range
        )
        kg.visualization.save_image(grid, args.out, scale=args.scale or "auto")
        print(f"Saved the outputs for {args.num} test inputs to {args.out}")
        return
    conditions = _conditions(args, model)
    sampling = {} if args.truncation is None else {"truncation": args.truncation}
    images = model.generate(args.num, seed=args.seed, condition=conditions, **sampling)
    grid = kg.visualization.image_grid(images, args.columns, model.value_range)
    kg.visualization.save_image(grid, args.out, scale=args.scale or "auto")
    print(f"Saved {args.num} samples to {args.out}")


def export(args):
    model = load_run_model(args.run, args.imports)
    path = model.export_generator(args.export_dir, overwrite=args.overwrite)
    print(f"Exported {type(model).__name__} generator to {path}")


def _training_images(run):
    """The MNIST training digits in [0, 1] of a run folder trained on MNIST
    images (the memorization check's reference), else `None`."""
    import numpy as np

    from keras_gen.datasets.mnist_sources import load_arrays

    run = pathlib.Path(run)
    if not (run / RUN_FILE).is_file():
        return None
    settings = _read_settings(run)
    if settings.get("dataset") != "mnist" or settings.get("task"):
        return None
    images, _, _ = load_arrays("train", settings.get("data_dir"))
    return images[..., None].astype(np.float32) / 255.0


def _new_file(folder, stem, suffix):
    """`folder/stem.suffix`, or `stem-2.suffix`, ...: the first name not taken."""
    path, number = folder / f"{stem}{suffix}", 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}{suffix}"
    return path


def evaluate(args):
    import keras_gen as kg

    model = load_run_model(args.run, args.imports)
    held_out = {}
    pairs = _task_pairs(args.run)
    if pairs is not None:  # a pix2pix run: its task's test pairs
        held_out = {"test_data": pairs[:2], "test_labels": pairs[2]}
    results = kg.evaluation.evaluate(
        model,
        num_samples=args.num_samples,
        seed=args.seed,
        training_images=_training_images(args.run),
        importance_samples=args.importance_samples,
        truncation=args.truncation,
        **held_out,
    )
    real = kg.evaluation.real_digit_scores()
    written = None
    if args.run.is_dir():  # the record stays with the run; nothing is replaced
        written = _new_file(args.run, "evaluation", ".json")
        results.to_json(written)
    if args.json:
        record = json.loads(results.to_json())
        print(json.dumps({**record, "real_digits": real}))
        return
    print(f"{'metric':<26} {'model':>10}   real digits")
    for name, value in results.items():
        reference = f"{real[name]:.4f}" if name in real else ""
        print(f"{name:<26} {value:10.4f}   {reference}")
    for name, reason in results.skipped.items():
        print(f"{name:<26} skipped: {reason}")
    provenance = results.provenance
    print(
        f"{provenance['num_samples']:,} samples (seed {provenance['seed']}) against "
        f"{provenance['reference']}; classifier "
        f"{provenance['classifier_sha256'][:12]}"
        + (
            f"; likelihood with k={provenance['importance_samples']}"
            if "importance_samples" in provenance
            else ""
        )
    )
    if written:
        print(f"Saved {written}")


# --- Parser -----------------------------------------------------------------


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    try:
        validation.check_positive(value, "value")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a number above 0, got {text}"
        ) from None
    return value


TRUNCATION_HELP = (
    "draw each noise coordinate from the normal truncated to [-T, T] (the "
    "truncation trick: more typical, less varied samples; default: the "
    "untruncated noise the model trained on)"
)


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of at least 1, got {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


RUN_HELP = "a run folder (keras-gen train --out) or a .keras file"


def _add_import_option(parser):
    parser.add_argument(
        "--import",
        dest="imports",
        action="append",
        metavar="MODULE",
        help="import this module before loading, so that the model's class "
        "(a registered subclass of your own) is found; repeatable",
    )


def make_parser():
    from keras_gen import __version__

    parser = _Parser(
        prog="keras-gen",
        description="Train, sample, export and evaluate keras_gen models.",
    )
    parser.add_argument(
        "--version", action="version", version=f"keras-gen {__version__}"
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show TensorFlow's native log lines and the traceback of an error",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser
    )

    train_parser = commands.add_parser(
        "train",
        help="train a model; writes a run folder",
        description="Train a model with a progress bar; grids, checkpoints, "
        "TensorBoard logs and history.csv go to the run folder (--out).",
    )
    train_parser.add_argument("model", choices=MODELS)
    train_parser.add_argument(
        "--task",
        choices=TASKS,
        help="pix2pix on mnist: the pairs to learn, 7x7 -> 28x28 "
        "'super_resolution' (default) or 'inpainting' half a digit",
    )
    train_parser.add_argument(
        "--preset",
        choices=("mnist", "none"),
        help="dcgan settings: 'mnist', tuned on 28x28 MNIST "
        "(kg.DCGAN.from_preset('mnist')), or 'none', the paper's (default: "
        "'mnist' for --dataset mnist at 28x28, else 'none')",
    )
    train_parser.add_argument(
        "--dataset",
        default="mnist",
        help="'mnist' (default), 'folder' (images under --data-dir) or any "
        "tensorflow-datasets name with images",
    )
    train_parser.add_argument(
        "--data-dir",
        help="local data: for mnist a folder with mnist.npz or the IDX files; "
        "for 'folder' the image folder; for a tensorflow-datasets name its data_dir",
    )
    train_parser.add_argument("--epochs", type=_positive, default=50)
    train_parser.add_argument("--batch-size", type=_positive, default=128)
    train_parser.add_argument(
        "--out", type=pathlib.Path, required=True, help="run folder"
    )
    train_parser.add_argument(
        "--resume",
        action="store_true",
        help="continue the run in --out from its last checkpoint",
    )
    train_parser.add_argument(
        "--image-size", type=_positive, help="resize images to this height and width"
    )
    train_parser.add_argument(
        "--color-mode",
        choices=("rgb", "grayscale", "rgba"),
        default="rgb",
        help="channels of --dataset folder images",
    )
    train_parser.add_argument(
        "--latent-dim",
        type=_positive,
        help="noise / latent size (default: dcgan 100, or 16 with --preset "
        "mnist; cgan 100, gan 64, vae 16)",
    )
    train_parser.add_argument(
        "--base-filters", type=_positive, help="width of the dcgan and cgan networks"
    )
    train_parser.add_argument(
        "--hidden-units",
        type=_positive,
        nargs="+",
        help="hidden layer widths of the gan",
    )
    train_parser.add_argument(
        "--num-classes", type=_positive, help="classes (cgan; default 10)"
    )
    train_parser.add_argument(
        "--label-smoothing",
        type=float,
        help="real label is 1 - this (GANs; default: the model's, 0.1 for "
        "dcgan and cgan, 0 for gan)",
    )
    train_parser.add_argument(
        "--r1-penalty",
        type=float,
        help="weight of the R1 penalty on real images, 0 for none (GANs; "
        "default: the model's, 0.3 with --preset mnist, else 0)",
    )
    train_parser.add_argument(
        "--r1-batch-size",
        type=_positive,
        help="estimate R1 on this many real images per batch (default: the "
        "model's, 16 with --preset mnist)",
    )
    train_parser.add_argument(
        "--ema",
        type=float,
        help="decay of a moving average of the generator's weights, 0 for none "
        "(default: the model's, 0.999 with --preset mnist, else none)",
    )
    train_parser.add_argument("--checkpoint-every", type=_positive, default=5)
    train_parser.add_argument("--seed", type=int, default=0)
    train_parser.add_argument(
        "--verbose", type=int, choices=(0, 1, 2), default=1, help="Keras fit verbosity"
    )
    train_parser.set_defaults(handler=train)

    sample_parser = commands.add_parser(
        "sample",
        help="save a grid of samples",
        description="Save a grid of samples from a run.",
    )
    sample_parser.add_argument("run", type=pathlib.Path, help=RUN_HELP)
    sample_parser.add_argument("--num", type=_positive, default=64)
    sample_parser.add_argument(
        "--out", type=pathlib.Path, default=pathlib.Path("samples.png")
    )
    sample_parser.add_argument(
        "--labels",
        type=int,
        nargs="+",
        help="classes to draw, repeated to --num (models conditioned on class "
        "labels, e.g. cgan; default: every class in turn)",
    )
    sample_parser.add_argument(
        "--conditions",
        type=pathlib.Path,
        help="a .npy file of conditions, repeated to --num (any conditional model)",
    )
    sample_parser.add_argument("--columns", type=_positive)
    sample_parser.add_argument(
        "--overwrite", action="store_true", help="replace an existing --out file"
    )
    sample_parser.add_argument(
        "--scale",
        type=_positive,
        help="enlarge the grid by this factor (default: enough for a side of "
        "at least 512 pixels)",
    )
    sample_parser.add_argument("--seed", type=int, default=0)
    sample_parser.add_argument(
        "--truncation", type=_positive_float, metavar="T", help=TRUNCATION_HELP
    )
    _add_import_option(sample_parser)
    sample_parser.set_defaults(handler=sample)

    export_parser = commands.add_parser(
        "export",
        help="export the generator as a SavedModel",
        description="Export a run's generator as a TensorFlow SavedModel (see docs/guides/serving.md).",
    )
    export_parser.add_argument("run", type=pathlib.Path, help=RUN_HELP)
    export_parser.add_argument("export_dir", type=pathlib.Path)
    export_parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace whatever is at export_dir (a previous keras_gen export "
        "is replaced without it)",
    )
    _add_import_option(export_parser)
    export_parser.set_defaults(handler=export)

    evaluate_parser = commands.add_parser(
        "evaluate",
        help="print quality metrics",
        description="Score a run's samples with the bundled MNIST classifier, "
        "beside what real MNIST digits score; a run folder also gets the "
        "figures and how they were obtained in evaluation.json (then "
        "evaluation-2.json, ...).",
    )
    evaluate_parser.add_argument("run", type=pathlib.Path, help=RUN_HELP)
    evaluate_parser.add_argument("--num-samples", type=_positive, default=10_000)
    evaluate_parser.add_argument("--seed", type=int, default=0)
    evaluate_parser.add_argument(
        "--importance-samples",
        type=_positive,
        default=50,
        help="draws per image of a VAE's likelihood estimate (default 50; the "
        "published protocol is 5000)",
    )
    evaluate_parser.add_argument(
        "--truncation", type=_positive_float, metavar="T", help=TRUNCATION_HELP
    )
    evaluate_parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object: metrics, skipped, provenance",
    )
    _add_import_option(evaluate_parser)
    evaluate_parser.set_defaults(handler=evaluate)
    return parser


def main(argv=None):
    """Runs the command line; returns the exit status.

    A usage error prints one line and returns 2. An error from the library
    (a dataset that does not exist, data a model refuses) prints its message
    in one line and returns 1; `--debug` shows its traceback instead.
    """
    args = None
    try:
        args = make_parser().parse_args(argv)
        args.handler(args)
    except UsageError as error:
        message = str(error)
        if not message.startswith("keras-gen"):
            message = f"keras-gen: error: {message}"
        print(message, file=sys.stderr)
        return 2
    except (ValueError, TypeError, OSError, NotImplementedError) as error:
        if args is None or args.debug:
            raise
        message = " ".join(str(error).split()) or type(error).__name__
        print(
            f"keras-gen: error: {message} (--debug shows the traceback)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
