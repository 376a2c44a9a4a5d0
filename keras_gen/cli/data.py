"""Where a run's data come from (`--dataset`, `--data-dir`, `--image-size`,
`--color-mode`, `--task`), and the datasets built from it for a model.

What is built is the model's to say (its `training_data`, a
`kg.datasets.DataSpec`): single images, with labels where its condition is a
class label, or `(inputs, targets)` pairs; in its value range; binarised for
a Bernoulli VAE.
"""

import dataclasses
import functools
import os
import pathlib
import warnings

from keras_gen import datasets
from keras_gen.cli.errors import UsageError
from keras_gen.datasets import mnist_sources
from keras_gen.datasets.catalog import image_features
from keras_gen.datasets.directory import image_files

CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}
#: The folders of the two domains under `--data-dir`, for a model that
#: trains on two (the CycleGAN data sets' layout).
UNPAIRED_FOLDERS = ("trainA", "trainB")
#: The side of `--dataset folder` images without `--image-size`.
FOLDER_IMAGE_SIZE = 64


class DataError(UsageError):
    """The data settings cannot give what the model trains on."""


@dataclasses.dataclass(frozen=True)
class DataSource:
    """The data settings of a run, as `run.json` records them.

    Args:
        dataset: `"mnist"`, `"folder"` (images under `data_dir`) or a
            tensorflow-datasets name.
        data_dir: local MNIST files, the image folder, or tensorflow-datasets'
            data_dir.
        image_size: resize images to this height and width.
        color_mode: channels of folder images.
        task: the MNIST pairs a model that trains on pairs learns
            (`kg.datasets.TASKS`); `None` for its default.
        factor: the factor of the MNIST super-resolution pairs; `None` for
            `make_pairs`' default.
    """

    dataset: str = "mnist"
    data_dir: str = None
    image_size: int = None
    color_mode: str = "rgb"
    task: str = None
    factor: int = None

    def settings(self):
        """The settings as a JSON-ready dict."""
        return dataclasses.asdict(self)

    # --- What the model is built for -----------------------------------------

    def check(self, spec):
        """Raises `DataError` unless these settings can give `spec`'s data."""
        if spec.kind == "unpaired":
            if self.dataset not in ("mnist", "folder"):
                raise DataError(
                    "a model that trains on two domains takes --dataset mnist "
                    "(the MNIST translation task) or --dataset folder (images "
                    f"of the domains in {UNPAIRED_FOLDERS[0]}/ and "
                    f"{UNPAIRED_FOLDERS[1]}/ under --data-dir)"
                )
            if self.dataset == "mnist" and self.image_size not in (None, 28):
                raise DataError(
                    "the MNIST translation task is 28x28; leave out --image-size"
                )
            if self.task is not None:
                raise DataError(
                    "--task makes MNIST pairs; a model that trains on two "
                    "domains learns the MNIST translation task"
                )
        if self.factor is not None and (
            spec.kind != "pairs" or self.mnist_task() != "super_resolution"
        ):
            raise DataError(
                "--factor is the factor of the MNIST super-resolution pairs; "
                "use it with --task super_resolution"
            )
        if spec.kind == "pairs":
            if self.dataset not in ("mnist", "folder"):
                raise DataError(
                    "a model that trains on pairs takes --dataset mnist (the "
                    "pairs of --task) or --dataset folder (side-by-side "
                    "input|target files under --data-dir)"
                )
            if self.dataset == "mnist" and self.image_size not in (None, 28):
                raise DataError("the MNIST pairs are 28x28; leave out --image-size")
        elif self.task is not None and spec.kind == "images":
            raise DataError(
                "--task makes MNIST pairs, for models that train on pairs; "
                "this model trains on single images"
            )
        if spec.kind == "pairs" and self.task is not None and self.dataset != "mnist":
            raise DataError(
                "--task makes MNIST pairs; with --dataset folder the files "
                "hold the pairs"
            )
        if self.dataset == "folder" and not self.data_dir:
            raise DataError("--dataset folder needs --data-dir, the folder")

    def check_model(self, model):
        """Raises `DataError` unless these data give what `model` is
        conditioned on: class labels, as many classes as it has."""
        condition, spec = model.condition, model.training_data
        if condition is None or spec.kind != "images":
            return
        name = type(model).__name__
        if not spec.labels:
            raise DataError(
                f"{name} is conditioned on `{condition.name}`, which the "
                "command line cannot load (it loads images and their class "
                "labels); train it in a script with fit(images, "
                f"{condition.name})"
            )
        classes = self.num_classes()
        if classes is not None and classes != condition.num_classes:
            raise DataError(
                f"{name} is built for {condition.num_classes} classes and "
                f"--dataset {self.dataset} has {classes}"
            )

    def image_shape(self, spec):
        """`(height, width, channels)` of the images (a pair's inputs) the
        model is built for, read without loading the data."""
        size = self.image_size
        if self.dataset == "mnist":
            side = size or 28
            return (side, side, 1)
        if self.dataset == "folder":
            channels = CHANNELS[self.color_mode]
            if spec.kind == "unpaired" and not size and self.data_dir:
                return self._first_image_shape(channels)
            if spec.kind == "pairs" and not size and self.data_dir:
                return self._first_half_shape(channels)
            side = size or FOLDER_IMAGE_SIZE
            return (side, side, channels)
        height, width, channels = self._tfds_feature().shape
        if size:
            return (size, size, channels)
        if height is None or width is None:
            raise DataError(
                f"the images of {self.dataset} differ in size; pass --image-size"
            )
        return (height, width, channels)

    def channels_b(self):
        """The channels of the second domain's images, for a model that
        trains on two domains: 3 for the MNIST task (`kg.datasets.
        mnist_unpaired`), `--color-mode`'s for a folder; `None` otherwise."""
        if self.dataset == "mnist":
            return 3
        if self.dataset == "folder":
            return CHANNELS[self.color_mode]
        return None

    def num_classes(self):
        """The number of classes of the data's labels, or `None`."""
        if self.dataset == "mnist":
            return 10
        if self.dataset == "folder":
            folder = pathlib.Path(self.data_dir)
            classes = (
                [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
            )
            return len(classes) or None
        label = self._tfds_label()
        return None if label is None else label.num_classes

    # --- Datasets ------------------------------------------------------------

    def load(self, spec, batch_size, seed):
        """The training dataset for `spec`, and where it came from, in words.

        Returns:
            `(dataset, source)`.
        """
        self.check(spec)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            dataset = self._load(spec, batch_size, seed)
        offline = False
        for warning in caught:
            if issubclass(warning.category, mnist_sources.SampleInsteadWarning):
                offline = True
            else:  # shown as the library would show it, without a source line
                print(f"Note: {warning.message}")
        return dataset, self._describe(spec, offline)

    def _load(self, spec, batch_size, seed):
        size = self.image_size
        image_size = (size, size) if size else None
        options = {"batch_size": batch_size, "seed": seed}
        if spec.kind == "unpaired":
            if self.dataset == "mnist":
                return datasets.mnist_unpaired(data_dir=self.data_dir, **options)
            dir_a, dir_b = self._unpaired_folders()
            return datasets.unpaired_from_directories(
                dir_a,
                dir_b,
                image_size=image_size,
                color_mode=self.color_mode,
                value_range=spec.value_range,
                **options,
            )
        if spec.kind == "pairs":
            if self.dataset == "mnist":
                return datasets.mnist_pairs(
                    self.mnist_task(),
                    data_dir=self.data_dir,
                    **self._task_options(),
                    **options,
                )
            return datasets.paired_from_side_by_side(
                self.data_dir,
                image_size=image_size,
                color_mode=self.color_mode,
                value_range=spec.value_range,
                **options,
            )
        options.update(labels=spec.labels, value_range=spec.value_range)
        if self.dataset == "mnist":
            return datasets.mnist(
                data_dir=self.data_dir,
                image_size=image_size,
                binarize=spec.binarize,
                **options,
            )
        if spec.binarize:
            raise DataError(
                "this model trains on binarised images, which the CLI makes "
                "of --dataset mnist only"
            )
        if self.dataset == "folder":
            return datasets.from_directory(
                self.data_dir,
                image_size=image_size or (FOLDER_IMAGE_SIZE, FOLDER_IMAGE_SIZE),
                color_mode=self.color_mode,
                **options,
            )
        return datasets.load(
            self.dataset, data_dir=self.data_dir, image_size=image_size, **options
        )

    def mnist_task(self):
        """The MNIST pairs' task: `--task`, else super-resolution."""
        return self.task or datasets.TASKS[0]

    def _task_options(self):
        return {} if self.factor is None else {"factor": self.factor}

    def _unpaired_folders(self):
        """The two domains' folders under `data_dir`."""
        folder = pathlib.Path(self.data_dir)
        found = [folder / name for name in UNPAIRED_FOLDERS]
        missing = [str(path) for path in found if not path.is_dir()]
        if missing:
            raise DataError(
                f"a model that trains on two domains reads their images from "
                f"{UNPAIRED_FOLDERS[0]}/ and {UNPAIRED_FOLDERS[1]}/ under "
                f"--data-dir (the CycleGAN data sets' layout); "
                f"{', '.join(missing)} is missing"
            )
        return found

    def _describe(self, spec, offline):
        """Which data, and why these: one plain line."""
        data_dir = self.data_dir
        if self.dataset == "mnist" and not data_dir:
            data_dir = os.environ.get(mnist_sources.DATA_DIR_ENV)
        if data_dir:
            source = f"{self.dataset} from {data_dir}"
        elif offline:
            source = (
                "the 10,000 MNIST test digits shipped with keras_gen, as MNIST "
                "could not be downloaded (for all 60,000, run once with network "
                "access or pass --data-dir)"
            )
        else:
            source = f"{self.dataset} from tensorflow-datasets"
        if spec.kind == "pairs" and self.dataset == "mnist":
            source += f" ({self.mnist_task()} pairs)"
        if spec.kind == "unpaired" and self.dataset == "mnist":
            source += " (the translation task: digits and styled digits)"
        return source

    def test_data(self, spec):
        """Held-out data the model is scored and shown on, as `evaluate()`'s
        `test_data` and `test_labels`: the test pairs of an MNIST task; `{}`
        otherwise (evaluate's default, the MNIST test digits). For the MNIST
        translation task: its test images of both domains, scaled to [-1, 1],
        and their labels (`labels_a`, `labels_b`, options of the model's
        `heldout_metrics`)."""
        if self.dataset != "mnist" or spec.kind == "images":
            return {}
        if spec.kind == "unpaired":
            a, labels_a, b, labels_b = datasets.mnist_unpaired_arrays(
                "test", self.data_dir
            )
            return {
                "test_data": (a / 127.5 - 1.0, b / 127.5 - 1.0),
                "labels_a": labels_a,
                "labels_b": labels_b,
            }
        inputs, targets, labels = datasets.mnist_pair_arrays(
            self.mnist_task(), "test", self.data_dir, **self._task_options()
        )
        return {"test_data": (inputs, targets), "test_labels": labels}

    def training_images(self, spec):
        """The MNIST training digits in [0, 1] a model of single MNIST images
        trained on (the memorization check's reference), else `None`."""
        if (
            spec.kind != "images"
            or self.dataset != "mnist"
            or self.image_size not in (None, 28)
        ):
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", mnist_sources.SampleInsteadWarning)
            images, _, _ = mnist_sources.load_arrays("train", self.data_dir)
        return images[..., None].astype("float32") / 255.0

    # --- tensorflow-datasets and folders ------------------------------------

    def _tfds_feature(self):
        builder = _tfds_builder(self.dataset, self.data_dir)
        image_key, _ = image_features(builder)
        return builder.info.features[image_key]

    def _tfds_label(self):
        builder = _tfds_builder(self.dataset, self.data_dir)
        _, label_key = image_features(builder)
        return None if label_key is None else builder.info.features[label_key]

    def _first_image_shape(self, channels):
        """The shape of the first image of the first domain's folder."""
        import keras

        files, _ = image_files(self._unpaired_folders()[0])
        width, height = keras.utils.load_img(files[0]).size
        return (height, width, channels)

    def _first_half_shape(self, channels):
        """The shape of one half of the first side-by-side file."""
        import keras

        files, _ = image_files(self.data_dir)
        width, height = keras.utils.load_img(files[0]).size
        return (height, width // 2, channels)


@functools.lru_cache(maxsize=4)
def _tfds_builder(name, data_dir):
    """The tensorflow-datasets builder of `name` (its features need no download)."""
    import tensorflow_datasets as tfds
    from absl import logging

    verbosity = logging.get_verbosity()
    logging.set_verbosity(logging.ERROR)  # not the missing cache folder
    try:
        return tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError:
        raise DataError(
            f"unknown dataset {name!r}: use mnist, folder or a tensorflow-datasets name"
        ) from None
    finally:
        logging.set_verbosity(verbosity)
