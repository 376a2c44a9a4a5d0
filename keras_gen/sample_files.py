"""Writing any number of samples to files: streamed, resumable, reproducible."""

import contextlib
import json
import os
import pathlib

import numpy as np

from keras_gen import validation, visualization

__all__ = ["FORMATS", "write_samples"]

#: What `write_samples` writes: one PNG file per image, or `.npz` shards.
FORMATS = ("png", "npz")
SETTINGS_FILE = "samples.json"
DEFAULT_CHUNK_SIZE = 1000


def write_samples(
    model,
    num_images,
    directory,
    format="png",
    seed=0,
    chunk_size=DEFAULT_CHUNK_SIZE,
    batch_size=256,
    verbose=1,
    **options,
):
    """Writes `num_images` samples of `model` to `directory`, in chunks.

    The images are made and written `chunk_size` at a time, so memory stays
    the same whatever `num_images` is, with a Keras progress bar. Chunk `c`
    is drawn from its own seed, derived from `(seed, c)`: the files are the
    same on every run with the same arguments, whatever `batch_size`, and a
    run that stopped (a kill, a full disk) continues when called again with
    the same arguments, skipping the chunks already complete. Each file is
    written under a temporary name and renamed into place, so no half file
    is left under a sample's name.

    - `format="png"`: one 8-bit PNG per image, `NNNNNNN.png` numbered from
      0, in a subfolder per class (`3/NNNNNNN.png`) for a model conditioned
      on class labels, the layout `keras.utils.image_dataset_from_directory`
      and FID tools read.
    - `format="npz"`: shards `samples-CCCCC.npz` of `chunk_size` images,
      `images` as uint8 `(N, H, W, C)` and, for class labels, `labels`.

    `directory/samples.json` records the arguments. A folder holding samples
    of other arguments, or other files, is refused rather than written into.
    A conditional model draws its own conditions (`model.condition.sample`);
    one that cannot (an image-to-image model) is refused, as its outputs
    need inputs: translate them with `model.generate(condition=...)`.

    Args:
        model: a `kg.GenerativeModel`.
        num_images: how many images to write.
        directory: the folder to write to; created if needed.
        format: `"png"` (default) or `"npz"`.
        seed: int; the same seed gives the same files. Default 0.
        chunk_size: images made and written at a time (and per `.npz` shard).
            Default 1000.
        batch_size: images per forward pass. Default 256.
        verbose: 1 (default) for a progress bar, 0 for none.
        **options: passed to `model.generate` (a GAN's `use_ema`,
            `truncation`).

    Returns:
        The `pathlib.Path` of `directory`.

    Example:

    ```python
    import tempfile
    import keras_gen as kg

    dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
    folder = kg.write_samples(dcgan, 10, tempfile.mkdtemp(), verbose=0)
    sorted(p.name for p in folder.glob("*.png"))[:2]  # ['0000000.png', '0000001.png']
    ```

    Reference: the 50,000-sample folders of FID evaluation (Heusel et al.,
    2017, "GANs Trained by a Two Time-Scale Update Rule Converge to a Local
    Nash Equilibrium").
    """
    validation.check_count(num_images, "num_images")
    validation.check_count(chunk_size, "chunk_size")
    validation.check_count(batch_size, "batch_size")
    validation.check_choice(format, "format", FORMATS)
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"`seed` must be an int; got {seed!r}.")
    condition = model.condition
    if condition is not None and not condition.can_sample:
        raise ValueError(
            f"write_samples() draws each image's condition itself, and "
            f"{type(model).__name__} cannot draw its own `{condition.name}`: "
            "its outputs need inputs. Translate your inputs with "
            "model.generate(condition=...) instead."
        )
    directory = pathlib.Path(directory)
    settings = {
        "model": type(model).__name__,
        "num_images": int(num_images),
        "format": format,
        "seed": int(seed),
        "chunk_size": int(chunk_size),
        "image_shape": list(model.image_shape),
        "options": {key: repr(value) for key, value in sorted(options.items())},
    }
    _claim(directory, settings)
    writer = _Writer(directory, format, num_images, condition)
    import keras

    progress = keras.utils.Progbar(num_images, verbose=verbose, unit_name="image")
    for number, start in enumerate(range(0, num_images, chunk_size)):
        count = min(chunk_size, num_images - start)
        chunk_seed = _chunk_seed(seed, number)
        conditions = None if condition is None else condition.sample(count, chunk_seed)
        if not writer.complete(number, start, count, conditions):
            images = model.generate(
                count,
                seed=chunk_seed,
                condition=conditions,
                batch_size=batch_size,
                **options,
            )
            pixels = visualization.to_uint8(images, model.value_range)
            writer.write(number, start, pixels, conditions)
        progress.add(count)
    return directory


def _chunk_seed(seed, number):
    """The seed of chunk `number`: its own stream, apart from every other's."""
    return int(np.random.SeedSequence([int(seed), number]).generate_state(1)[0] >> 1)


def _claim(directory, settings):
    """Records `settings` in a new folder, or checks that they are the ones
    the folder was written with."""
    path = directory / SETTINGS_FILE
    if path.is_file():
        written = json.loads(path.read_text())
        if written != settings:
            changed = sorted(
                key
                for key in settings.keys() | written.keys()
                if settings.get(key) != written.get(key)
            )
            raise ValueError(
                f"{directory} holds samples written with other arguments "
                f"({', '.join(f'{k}: {written.get(k)!r} there, {settings.get(k)!r} now' for k in changed)}). "
                "Pass the same arguments to continue it, or choose another folder."
            )
        return
    if directory.exists() and any(directory.iterdir()):
        raise ValueError(
            f"{directory} is not empty and holds no {SETTINGS_FILE}, so it is not "
            "a folder of samples; choose a new or empty folder."
        )
    validation.check_writable_folder(directory, "write_samples()")
    with _atomically(path) as temporary:
        temporary.write_text(json.dumps(settings, indent=2))


@contextlib.contextmanager
def _atomically(path):
    """Yields a temporary name beside `path` to write to, then renames it
    into place (`os.replace`): no half file under `path`."""
    temporary = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    yield temporary
    os.replace(temporary, path)


class _Writer:
    """Where each chunk's files go, and whether a chunk is complete."""

    def __init__(self, directory, format, num_images, condition):
        self.directory = directory
        self.format = format
        self.width = max(7, len(str(num_images - 1)))
        self.condition = condition

    def _labels(self, conditions):
        if conditions is None:
            return None
        return self.condition.class_ids(conditions)

    def _png(self, index, label):
        folder = self.directory if label is None else self.directory / str(label)
        return folder / f"{index:0{self.width}d}.png"

    def _shard(self, number):
        return self.directory / f"samples-{number:05d}.npz"

    def complete(self, number, start, count, conditions):
        if self.format == "npz":
            return self._shard(number).is_file()
        # A chunk's PNGs are written in order: it is complete when its last is.
        labels = self._labels(conditions)
        label = None if labels is None else int(labels[-1])
        return self._png(start + count - 1, label).is_file()

    def write(self, number, start, pixels, conditions):
        labels = self._labels(conditions)
        if self.format == "npz":
            arrays = {"images": pixels}
            if labels is not None:
                arrays["labels"] = labels
            with (
                _atomically(self._shard(number)) as temporary,
                open(temporary, "wb") as file,
            ):
                np.savez(file, **arrays)
            return
        import keras

        for offset, image in enumerate(pixels):
            label = None if labels is None else int(labels[offset])
            path = self._png(start + offset, label)
            path.parent.mkdir(exist_ok=True)
            with _atomically(path) as temporary:
                keras.utils.save_img(temporary, image, scale=False, file_format="png")
