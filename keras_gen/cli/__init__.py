"""The `keras-gen` command: train, sample, export and evaluate without writing code.

```
keras-gen train dcgan --epochs 50 --out runs/dcgan
keras-gen train dcgan --out runs/dcgan --epochs 80 --resume   # continue that run
keras-gen sample runs/dcgan --num 64 --out grid.png
keras-gen sample runs/cgan --labels 3 3 7 7 --out sevens.png
keras-gen sample runs/diffusion --steps 25 --out grid.png
keras-gen export runs/dcgan exports/dcgan/1
keras-gen evaluate runs/dcgan
keras-gen fid runs/dcgan stats/mnist_train.npz
keras-gen train labelgan --import my_project.models --out runs/mine
```

The command knows no model by name: it asks the model. `train MODEL` takes
any registered subclass of `kg.models.GenerativeModel` (a user's own too,
with `--import MODULE`); its options are the model's constructor and
`compile()` arguments, with their defaults and presets
(`keras_gen.cli.model_options`), and the data it loads are what the model
says it trains on (`model.training_data`, `keras_gen.cli.data`). `sample`,
`export` and `evaluate` take a run folder (`keras_gen.cli.run_folder`) or a
`.keras` file; `fid` (`keras_gen.cli.fid`) takes those, folders of images and
statistics files.

A usage error (unknown option, a run folder that is missing or already used)
prints one line and exits with status 2.
"""

import argparse
import inspect
import json
import pathlib
import signal
import sys

import keras

from keras_gen import callbacks, evaluation, visualization
from keras_gen.callbacks.image_grid import grid_inputs
from keras_gen.cli import fid, model_options
from keras_gen.cli.data import DataSource
from keras_gen.cli.errors import UsageError
from keras_gen.cli.run_folder import RunFolder, import_modules, load_model
from keras_gen.datasets import DataSpec
from keras_gen.datasets.pipeline import DEFAULT_BATCH_SIZE
from keras_gen.version import __version__

#: `train` options a resumed run may take: the rest are the run's own.
RESUME_OPTIONS = ("epochs", "verbose", "out", "resume", "imports")
DEFAULT_EPOCHS = 50
DEFAULT_CHECKPOINT_EVERY = 5


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{self.prog}: error: {message}")


# --- Building a run's model and data (importable for scripts) ---------------


def default_preset(cls, source):
    """The preset a new run uses without `--preset`: the model's first preset
    tuned on the run's data set (at its image size), else its first preset
    for any data, else none (the constructor's defaults)."""
    for name, preset in cls.presets.items():
        shape = preset["config"].get("image_shape")
        fits = (
            source.image_size is None or shape is None or shape[0] == source.image_size
        )
        if preset.get("data") == source.dataset and fits:
            return name
    for name, preset in cls.presets.items():
        if "data" not in preset:
            return name
    return None


def build_model(cls, settings):
    """`(model, source)`: the model a run's settings describe, built for its
    data, and where the data come from."""
    source = DataSource(**settings["data"])
    arguments = dict(settings["arguments"])
    parameters = model_options.constructor_options(cls)
    if "num_classes" in parameters and "num_classes" not in arguments:
        classes = source.num_classes()  # the data's, where they have labels
        if classes is not None:
            arguments["num_classes"] = classes
    if "channels_b" in parameters and "channels_b" not in arguments:
        channels = source.channels_b()  # a second domain's, where there is one
        if channels is not None:
            arguments["channels_b"] = channels

    def make(image_shape):
        filled = {"image_shape": image_shape, "seed": settings["seed"]}
        kwargs = {
            **{k: v for k, v in filled.items() if model_options.accepts(cls, k)},
            **arguments,
        }
        try:
            if settings["preset"]:
                return cls.from_preset(settings["preset"], **kwargs)
            return cls(**kwargs)
        except TypeError as error:
            if "argument" not in str(error):
                raise
            presets = ", ".join(cls.presets) or "none"
            raise UsageError(
                f"{cls.__name__.lower()} cannot be built from these options "
                f"({error}); choose a --preset ({presets})"
            ) from None

    # The image shape can depend on what the model trains on (a folder's
    # pairs are half as wide as its files): ask the model, then rebuild if so.
    shape = source.image_shape(DataSpec())
    model = make(shape)
    spec_shape = source.image_shape(model.training_data)
    if spec_shape != shape:
        model = make(spec_shape)
    return model, source


def new_settings(args, cls):
    """The settings of a new run from the command line."""
    source = DataSource(
        dataset=args.dataset or "mnist",
        data_dir=None
        if args.data_dir is None
        else str(pathlib.Path(args.data_dir).resolve()),
        image_size=args.image_size,
        color_mode=args.color_mode or "rgb",
        task=args.task,
        factor=args.factor,
    )
    preset = args.preset
    if preset is None:
        preset = default_preset(cls, source)
    elif preset == "none":
        preset = None
    elif preset not in cls.presets:
        raise UsageError(
            f"{cls.__name__.lower()} has no preset {preset!r}; its presets: "
            f"{', '.join(cls.presets) or 'none'} (or 'none')"
        )
    given = vars(args)
    constructor = model_options.constructor_options(cls)
    compile_arguments = model_options.compile_options(cls, taken=constructor)
    return {
        "model": args.model,
        "imports": list(args.imports or []),
        "preset": preset,
        "arguments": {name: given[name] for name in constructor if name in given},
        "compile": {name: given[name] for name in compile_arguments if name in given},
        "data": source.settings(),
        "batch_size": args.batch_size or DEFAULT_BATCH_SIZE,
        "seed": 0 if args.seed is None else args.seed,
        "checkpoint_every": args.checkpoint_every or DEFAULT_CHECKPOINT_EVERY,
        "checkpoint_steps": args.checkpoint_steps,
        "checkpoint_minutes": args.checkpoint_minutes,
    }


def _resolved(model, cls):
    """What the model's defaults became: its plain constructor and compile
    settings."""
    names = set(model_options.constructor_options(cls)) | {"image_shape"}
    plain = (type(None), bool, int, float, str, list, tuple)
    config = {
        k: v
        for k, v in model.get_config().items()
        if k in names and isinstance(v, plain)
    }
    compiled = {
        k: v
        for k, v in (model.get_compile_config() or {}).items()
        if isinstance(v, plain)
    }
    return {"arguments": config, "compile": compiled}


class HistoryLog(keras.callbacks.CSVLogger):
    """`keras.callbacks.CSVLogger` with epochs numbered from 1, as the grid and
    checkpoint files are, and only the metrics logged (no empty `val_*`
    columns when nothing is validated). An epoch that `checkpoint` stopped
    part-way (a signal) gets no row; the resumed run writes it."""

    def __init__(self, filename, checkpoint, append=False):
        super().__init__(filename, append=append)
        self.checkpoint = checkpoint

    def on_epoch_end(self, epoch, logs=None):
        stopped_at = self.checkpoint.stopped_at
        if stopped_at is not None and stopped_at.batch:
            return  # an epoch stopped part-way: its row comes when it ends
        if self.keys is None:
            self.keys = sorted((logs or {}).keys())
        super().on_epoch_end(epoch + 1, logs)


# --- Commands ---------------------------------------------------------------


def train(args):
    cls = args.model_class
    run = RunFolder(args.out)
    if args.resume:
        settings = run.settings()
        if args.model != settings["model"]:
            raise UsageError(
                f"{run.path} is a {settings['model']} run; resume it with "
                f"`keras-gen train {settings['model']} --out {run.path} --resume`"
            )
        ignored = sorted(
            name
            for name, value in vars(args).items()
            if value is not None
            and name not in RESUME_OPTIONS
            and name not in ("model", "model_class", "handler", "command", "debug")
        )
        if ignored:
            options = ", ".join("--" + name.replace("_", "-") for name in ignored)
            raise UsageError(
                f"a resumed run keeps the settings in {run.path / 'run.json'}; "
                f"leave out {options}"
            )
    else:
        run.check_new()
        settings = new_settings(args, cls)
    model, source = build_model(cls, settings)
    spec = model.training_data
    source.check(spec)
    source.check_model(model)
    try:
        dataset, described = source.load(spec, settings["batch_size"], settings["seed"])
    except FileNotFoundError as error:
        raise UsageError(str(error)) from None
    batches = int(dataset.cardinality())
    count = f"{batches:,} batches" if batches > 0 else "batches"
    shape = tuple(model.image_shape)
    preset = f" ({settings['preset']} preset)" if settings["preset"] else ""
    examples = {"pairs": "pairs", "unpaired": "images of each domain"}.get(
        spec.kind, "images"
    )
    print(
        f"Training {settings['model']}{preset} on {described}: {count} of "
        f"{settings['batch_size']} {examples} of shape {shape} per epoch."
    )
    model.compile(**settings["compile"])
    settings["resolved"] = _resolved(model, cls)
    run.write_settings(settings)
    checkpoint = callbacks.Checkpoint(
        run.checkpoints,
        every=settings["checkpoint_every"],
        every_steps=settings["checkpoint_steps"],
        every_minutes=settings["checkpoint_minutes"],
    )
    watchers = [
        checkpoint,
        callbacks.ImageGrid(run.samples, log_dir=run.logs),
        callbacks.TrainingMonitor(),
        HistoryLog(run.history, checkpoint, append=bool(args.resume)),
        keras.callbacks.TensorBoard(run.logs),
    ]
    epochs = args.epochs or DEFAULT_EPOCHS
    model.fit(dataset, epochs=epochs, callbacks=watchers, verbose=args.verbose)
    if checkpoint.stopped_by is not None:
        print(
            f"Continue with `keras-gen train {settings['model']} --out {run.path} "
            "--resume`."
        )
        # The shell's status for a process ended by that signal.
        return 128 + signal.Signals[checkpoint.stopped_by].value
    model.save(run.model_file)
    print(f"Saved {run.model_file}")
    return 0


def _check_output_file(path, overwrite):
    if path.exists() and not overwrite:
        raise UsageError(
            f"{path} already exists; choose another --out, or pass --overwrite "
            "to replace it"
        )


def _given_conditions(args, model, location):
    """The conditions `sample` was given (--labels or --conditions), repeated
    to --num, or `None`."""
    import numpy as np

    if args.labels and args.conditions:
        raise UsageError("pass --labels or --conditions, not both")
    if not (args.labels or args.conditions):
        return None
    condition = model.condition
    if condition is None:
        raise UsageError(
            f"--labels and --conditions need a conditional model; {location} "
            f"holds an unconditional {type(model).__name__}"
        )
    if args.conditions:
        try:
            given = np.load(args.conditions)
        except (OSError, ValueError) as error:
            raise UsageError(f"--conditions {args.conditions}: {error}") from None
    else:
        if condition.num_classes is None:
            raise UsageError(
                f"--labels needs a model conditioned on class labels; {location} "
                f"is conditioned on `{condition.name}`: pass --conditions"
            )
        given = np.asarray(args.labels, "int32")
    values = np.take(given, np.arange(args.num) % len(given), axis=0)
    try:
        condition.check(values, args.num, type(model).__name__)
    except ValueError as error:
        raise UsageError(str(error)) from None
    return values


GRID_SUFFIXES = (".png", ".jpg", ".jpeg")


def _sampling_options(args, model):
    """`generate()` options of `sample`: the truncation, and the denoising
    steps of a model whose `generate_images` takes `steps`."""
    options = {} if args.truncation is None else {"truncation": args.truncation}
    if args.steps is not None:
        if "steps" not in inspect.signature(model.generate_images).parameters:
            raise UsageError(
                f"--steps is for models that sample in steps (a diffusion "
                f"model); {type(model).__name__} generates in one pass"
            )
        options["steps"] = args.steps
    return options


def sample(args):
    if args.out.suffix.lower() not in GRID_SUFFIXES:
        return write_sample_files(args)
    _check_output_file(args.out, args.overwrite)
    model, run = load_model(args.run, args.imports)
    conditions = _given_conditions(args, model, args.run)
    condition = model.condition
    draws_own = condition is None or condition.can_sample
    source = None if run is None else run.data_source()
    held_out = {} if source is None else source.test_data(model.training_data)
    if conditions is None and not draws_own and held_out:
        # Held-out examples of the run's data: whatever the model's grid
        # shows of them (a pix2pix: inputs, outputs and targets).
        examples = model.unpack_batch(held_out["test_data"])
        images, columns = model.grid_images(
            grid_inputs(model, args.num, args.seed, examples)
        )
        grid = visualization.image_grid(
            images, args.columns or columns, model.value_range
        )
        visualization.save_image(grid, args.out, scale=args.scale or "auto")
        print(f"Saved the outputs for {args.num} test examples to {args.out}")
        return
    if conditions is None and not draws_own:
        raise UsageError(
            f"{type(model).__name__} cannot draw its own `{condition.name}`: "
            "pass --conditions FILE.npy"
        )
    sampling = _sampling_options(args, model)
    images = model.generate(args.num, seed=args.seed, condition=conditions, **sampling)
    grid = visualization.image_grid(images, args.columns, model.value_range)
    visualization.save_image(grid, args.out, scale=args.scale or "auto")
    print(f"Saved {args.num} samples to {args.out}")


def write_sample_files(args):
    """`sample --out FOLDER`: --num samples as files, resumable (write_samples)."""
    from keras_gen.sample_files import write_samples

    if args.labels or args.conditions:
        raise UsageError(
            "--labels and --conditions choose a grid's rows; samples written to "
            "a folder draw the model's own conditions. Give --out a .png name "
            "for a grid."
        )
    model, _ = load_model(args.run, args.imports)
    sampling = _sampling_options(args, model)
    try:
        folder = write_samples(
            model,
            args.num,
            args.out,
            format=args.format,
            seed=args.seed,
            verbose=1 if args.verbose else 0,
            **sampling,
        )
    except ValueError as error:
        raise UsageError(str(error)) from None
    print(f"Wrote {args.num} samples to {folder} ({args.format})")


def export(args):
    model, _ = load_model(args.run, args.imports)
    path = model.export_generator(args.export_dir, overwrite=args.overwrite)
    print(f"Exported {type(model).__name__} generator to {path}")


def _heldout_options(extra):
    """`--name value` pairs left over by the parser, as keyword arguments."""
    options = {}
    if len(extra) % 2:
        raise UsageError(
            f"unrecognized arguments: {' '.join(extra)} (a model's held-out "
            "options take one value each, e.g. --importance-samples 5000)"
        )
    for flag, value in zip(extra[::2], extra[1::2]):
        if not flag.startswith("--"):
            raise UsageError(f"unrecognized arguments: {' '.join(extra)}")
        options[flag[2:].replace("-", "_")] = model_options.parse_value(value)
    return options


def evaluate(args):
    model, run = load_model(args.run, args.imports)
    options = _heldout_options(args.heldout_options)
    source = None if run is None else run.data_source()
    held_out, training_images = {}, None
    if source is not None:
        spec = model.training_data
        held_out = source.test_data(spec)
        training_images = source.training_images(spec)
    try:
        results = evaluation.evaluate(
            model,
            num_samples=args.num_samples,
            seed=args.seed,
            training_images=training_images,
            truncation=args.truncation,
            **held_out,
            **options,
        )
    except TypeError as error:
        if "heldout_metrics" not in str(error):
            raise
        raise UsageError(str(error).replace("evaluate() got", "got")) from None
    real = evaluation.real_digit_scores()
    written = None
    if run is not None:  # the record stays with the run; nothing is replaced
        written = run.new_file("evaluation", ".json")
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
    options_used = [
        f"{name}={provenance[name]}" for name in sorted(provenance) if name in options
    ]
    print(
        f"{provenance['num_samples']:,} samples (seed {provenance['seed']}) against "
        f"{provenance['reference']}; classifier "
        f"{provenance['classifier_sha256'][:12]}"
        + (f"; {', '.join(options_used)}" if options_used else "")
    )
    if "reference_overlap" in provenance:
        print(f"Memorization: {provenance['reference_overlap']}")
    if "inception" in provenance:
        inception = provenance["inception"]
        print(
            f"fid, kid, inception_score: {inception['num_samples']:,} samples "
            f"against {inception['reference']}; resize {inception['resize']}; "
            f"weights {inception['weights_sha256'][:12]}"
        )
    if written:
        print(f"Saved {written}")


# --- Parser -----------------------------------------------------------------


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number above 0, got {text}")
    return value


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


TRUNCATION_HELP = (
    "draw each noise coordinate from the normal truncated to [-T, T] (the "
    "truncation trick: more typical, less varied samples; default: the "
    "untruncated noise the model trained on)"
)
RUN_HELP = "a run folder (keras-gen train --out) or a .keras file"


def _add_import_option(parser):
    parser.add_argument(
        "--import",
        dest="imports",
        action="append",
        metavar="MODULE",
        help="import this module first, so that a registered model class of "
        "your own is found; repeatable",
    )


def _imports_in(argv):
    """The modules `--import` names in `argv`, read before the parser is
    made (their model classes become `train` choices)."""
    found = []
    for index, word in enumerate(argv):
        if word == "--import" and index + 1 < len(argv):
            found.append(argv[index + 1])
        elif word.startswith("--import="):
            found.append(word.split("=", 1)[1])
    return found


def _common_train_options():
    from keras_gen.datasets import TASKS
    from keras_gen.datasets.pipeline import DEFAULT_BATCH_SIZE

    common = _Parser(add_help=False)
    data = common.add_argument_group("data")
    data.add_argument(
        "--dataset",
        help="'mnist' (default), 'folder' (images under --data-dir) or any "
        "tensorflow-datasets name with images",
    )
    data.add_argument(
        "--data-dir",
        help="local data: for mnist a folder with mnist.npz or the IDX files; "
        "for 'folder' the image folder (side-by-side input|target files for "
        "a model that trains on pairs; trainA/ and trainB/ for one that "
        "trains on two domains); for a tensorflow-datasets name its "
        "data_dir",
    )
    data.add_argument(
        "--image-size", type=_positive, help="resize images to this height and width"
    )
    data.add_argument(
        "--color-mode",
        choices=("rgb", "grayscale", "rgba"),
        help="channels of --dataset folder images (default rgb)",
    )
    data.add_argument(
        "--task",
        choices=TASKS,
        help=f"the MNIST pairs of a model that trains on pairs (default {TASKS[0]})",
    )
    data.add_argument(
        "--factor",
        type=_positive,
        help="the factor of --task super_resolution (default 4: 7x7 inputs; "
        "7 gives 4x4)",
    )
    run = common.add_argument_group("run")
    run.add_argument("--out", type=pathlib.Path, required=True, help="run folder")
    run.add_argument(
        "--resume",
        action="store_true",
        default=None,
        help="continue the run in --out from its last checkpoint, with its settings",
    )
    run.add_argument(
        "--preset",
        help="the model's preset, or 'none' for its constructor's defaults "
        "(default: its preset tuned on --dataset, else its preset for any data)",
    )
    run.add_argument(
        "--epochs",
        type=_positive,
        help=f"default {DEFAULT_EPOCHS}; with --resume, the new total",
    )
    run.add_argument(
        "--batch-size", type=_positive, help=f"default {DEFAULT_BATCH_SIZE}"
    )
    run.add_argument(
        "--checkpoint-every",
        type=_positive,
        help=f"epochs between checkpoints (default {DEFAULT_CHECKPOINT_EVERY})",
    )
    run.add_argument(
        "--checkpoint-steps",
        type=_positive,
        metavar="N",
        help="also checkpoint every N batches within an epoch",
    )
    run.add_argument(
        "--checkpoint-minutes",
        type=_positive_float,
        metavar="T",
        help="also checkpoint within an epoch once T minutes have passed since "
        "the last checkpoint",
    )
    run.add_argument("--seed", type=int, help="default 0")
    run.add_argument(
        "--verbose", type=int, choices=(0, 1, 2), default=1, help="Keras fit verbosity"
    )
    _add_import_option(run)
    return common


def _add_model_parser(models, name, cls, common):
    summary = (cls.__doc__ or cls.__name__).strip().splitlines()[0]
    parser = models.add_parser(
        name,
        parents=[common],
        help=summary,
        description=f"Train a {cls.__name__}: {summary} Presets: "
        + ("; ".join(f"{k}: {v}" for k, v in cls.list_presets().items()) or "none"),
    )
    documented = model_options.argument_help(cls)
    constructor = model_options.constructor_options(cls)
    groups = (
        (f"{cls.__name__} arguments", constructor),
        ("compile() arguments", model_options.compile_options(cls, taken=constructor)),
    )
    for title, options in groups:
        group = parser.add_argument_group(title)
        for option, default in options.items():
            text = model_options.first_sentence(documented.get(option, ""))
            shown = model_options.describe_default(option, default, cls)
            group.add_argument(
                "--" + option.replace("_", "-"),
                dest=option,
                type=model_options.parse_value,
                nargs="+" if model_options.is_sequence(option, default, cls) else None,
                default=argparse.SUPPRESS,
                metavar="VALUE",
                help=f"{text} ({shown})" if shown else text,
            )
    parser.set_defaults(handler=train, model_class=cls)


def make_parser(argv=()):
    """The command's parser; `argv` is read for `--import` first."""
    import_modules(_imports_in(list(argv)))
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
        "TensorBoard logs and history.csv go to the run folder (--out). "
        "`keras-gen train MODEL --help` lists the model's own options.",
    )
    models = train_parser.add_subparsers(
        dest="model", required=True, metavar="MODEL", parser_class=_Parser
    )
    common = _common_train_options()
    for name, cls in model_options.model_classes().items():
        _add_model_parser(models, name, cls, common)

    sample_parser = commands.add_parser(
        "sample",
        help="save a grid of samples",
        description="Save a grid of samples from a run.",
    )
    sample_parser.add_argument("run", type=pathlib.Path, help=RUN_HELP)
    sample_parser.add_argument("--num", type=_positive, default=64)
    sample_parser.add_argument(
        "--out",
        type=pathlib.Path,
        default=pathlib.Path("samples.png"),
        help="a .png or .jpg file for a grid (default samples.png), or a folder "
        "to write --num samples to as files, in chunks; run the same command "
        "again to continue a folder that was stopped",
    )
    sample_parser.add_argument(
        "--format",
        choices=("png", "npz"),
        default="png",
        help="for a folder: one PNG per image (default) or .npz shards",
    )
    sample_parser.add_argument(
        "--verbose", type=int, choices=(0, 1), default=1, help="progress bar"
    )
    sample_parser.add_argument(
        "--labels",
        type=int,
        nargs="+",
        help="classes to draw, repeated to --num (models conditioned on class "
        "labels; default: every class in turn)",
    )
    sample_parser.add_argument(
        "--conditions",
        type=pathlib.Path,
        help="a .npy file of conditions, repeated to --num (any conditional model)",
    )
    sample_parser.add_argument(
        "--steps",
        type=_positive,
        help="denoising steps of a diffusion model (default: its sampling_steps)",
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
        description="Export a run's generator as a TensorFlow SavedModel "
        "(see docs/guides/serving.md).",
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
        "beside what real MNIST digits score (other images: fid, kid and "
        "inception_score against the run's test images, when the FID "
        "Inception weights are on this machine); a run folder also gets the "
        "figures and how they were obtained in evaluation.json (then "
        "evaluation-2.json, ...). Options of the model's held-out figures "
        "follow as --name value (a VAE's --importance-samples 5000).",
    )
    evaluate_parser.add_argument("run", type=pathlib.Path, help=RUN_HELP)
    evaluate_parser.add_argument("--num-samples", type=_positive, default=10_000)
    evaluate_parser.add_argument("--seed", type=int, default=0)
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

    fid.add_parser(commands, _positive, _add_import_option)
    return parser


def main(argv=None):
    """Runs the command line; returns the exit status.

    A usage error prints one line and returns 2. An error from the library
    (a dataset that does not exist, data a model refuses) prints its message
    in one line and returns 1; `--debug` shows its traceback instead.
    Training stopped by SIGTERM or Ctrl-C (with a checkpoint) returns 143 or
    130, as a process ended by that signal would; so does a second Ctrl-C.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    args = None
    try:
        parser = make_parser(argv)
        args, extra = parser.parse_known_args(argv)
        if args.command == "evaluate":
            args.heldout_options = extra
        elif extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        status = args.handler(args)
    except KeyboardInterrupt:  # a second Ctrl-C, or one outside training
        print("keras-gen: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
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
    return status or 0
