"""A run folder: what `keras-gen train` writes, and where its model and data came from.

| path | what |
| --- | --- |
| `run.json` | the settings the run was started with (`--resume` reuses them) |
| `samples/epoch_NNNN.png`, `samples/progress.gif` | image grids from fixed inputs |
| `checkpoints/ckpt-NNNN.keras` | the full training state (`kg.callbacks.Checkpoint`) |
| `logs/` | TensorBoard logs: losses and sample grids |
| `history.csv` | one row of logged metrics per epoch |
| `model.keras` | the trained model, written when training ends |
| `evaluation.json`, `evaluation-2.json`, ... | what `keras-gen evaluate` measured |

`run.json` holds the model's command name, the modules imported for it, the
preset, the constructor and `compile()` arguments given on the command line,
the data settings (`keras_gen.cli.data.DataSource`), the batch size, seed
and checkpoint interval, and, for reading, the values the model's defaults
resolved to (`resolved`).
"""

import importlib
import json
import pathlib
import sys
import zipfile

import keras

from keras_gen import validation
from keras_gen.callbacks import Checkpoint
from keras_gen.cli.data import DataSource
from keras_gen.cli.errors import UsageError

RUN_FILE = "run.json"
MODEL_FILE = "model.keras"


class RunFolder:
    """The folder of one run (`keras-gen train --out`)."""

    def __init__(self, path):
        self.path = pathlib.Path(path)

    @property
    def checkpoints(self):
        return self.path / "checkpoints"

    @property
    def samples(self):
        return self.path / "samples"

    @property
    def logs(self):
        return self.path / "logs"

    @property
    def history(self):
        return self.path / "history.csv"

    @property
    def model_file(self):
        return self.path / MODEL_FILE

    def has_settings(self):
        return (self.path / RUN_FILE).is_file()

    def settings(self):
        """The settings in `run.json`."""
        try:
            return json.loads((self.path / RUN_FILE).read_text())
        except FileNotFoundError:
            raise UsageError(
                f"nothing to resume: {self.path / RUN_FILE} does not exist; start "
                "the run without --resume"
            ) from None

    def write_settings(self, settings):
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / RUN_FILE).write_text(json.dumps(settings, indent=2) + "\n")

    def check_new(self):
        """Raises `UsageError` unless a new run may start here without
        overwriting anything."""
        if self.has_settings():
            raise UsageError(
                f"{self.path} already holds a run; pass --resume to continue it, "
                "or choose another --out"
            )
        if self.path.is_file() or (self.path.is_dir() and any(self.path.iterdir())):
            raise UsageError(
                f"{self.path} already holds files and no run; choose a new or "
                "empty --out, so that nothing there is overwritten"
            )

    def data_source(self):
        """Where the run's data came from (`None` for a folder without run.json)."""
        if not self.has_settings():
            return None
        return DataSource(**self.settings()["data"])

    def model_path(self):
        """`model.keras`, else the newest checkpoint."""
        if self.model_file.is_file():
            return self.model_file
        checkpoints = Checkpoint(self.checkpoints).checkpoints()
        if not checkpoints:
            raise UsageError(
                f"{self.path} holds no {MODEL_FILE} and no checkpoint; train it "
                f"first (keras-gen train ... --out {self.path})"
            )
        return list(checkpoints.values())[-1]

    def new_file(self, stem, suffix):
        """`stem.suffix` in the folder, or `stem-2.suffix`, ...: the first
        name not taken."""
        path, number = self.path / f"{stem}{suffix}", 1
        while path.exists():
            number += 1
            path = self.path / f"{stem}-{number}{suffix}"
        return path


def import_modules(names):
    """Imports the modules that register users' model classes (`--import`)."""
    if "" not in sys.path:  # as `python -m` does: the working folder's modules
        sys.path.insert(0, "")
    for name in names or ():
        try:
            importlib.import_module(name)
        except ImportError as error:
            raise UsageError(f"--import {name}: {error}") from None


def load_model(location, modules=()):
    """`(model, run)`: the model of a run folder (`model.keras`, else its
    newest checkpoint) or of a `.keras` file, after importing `modules` and
    those the run recorded; `run` is the `RunFolder`, or `None` for a file."""
    location = pathlib.Path(location)
    run = None
    if location.is_file():
        path = location
    elif location.is_dir():
        run = RunFolder(location)
        if run.has_settings():
            modules = list(run.settings().get("imports", [])) + list(modules or ())
        path = run.model_path()
    else:
        raise UsageError(f"no run folder or .keras file at {location}")
    import_modules(modules)
    try:
        validation.check_keras_file(path)
    except ValueError as error:
        raise UsageError(str(error)) from None
    try:
        return keras.models.load_model(path), run
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
    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    return config.get("class_name")
