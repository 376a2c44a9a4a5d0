"""Saves a grid of samples from fixed inputs after every few epochs."""

import pathlib

import keras
import numpy as np

from keras_gen import validation, visualization
from keras_gen.conditions import conditions_for
from keras_gen.distribute import is_chief

FIXED_INPUTS = "fixed_inputs.npz"


def grid_inputs(model, num_images, seed=0, examples=None):
    """The fixed inputs of a sample grid of `model`, as a dict of numpy arrays.

    - `noise`: `(n, *noise_shape)` standard normal draws from `seed`, with `n`
      about `num_images`, rounded up to whole rows of classes for a model
      conditioned on class labels;
    - `condition`, for a conditional model: its own (one class per row for
      class labels), else those of the real examples, repeated to `n`;
    - `example_images` and `example_condition`: up to `num_images` real
      examples, where some are known: `examples` (`(images, condition)`, as
      `model.unpack_batch` gives them), else `model.example_batch`.

    `model.grid_images(inputs)` renders them.

    Raises:
        ValueError: the model cannot draw its own conditions and no real
            examples are known.
    """
    count = int(num_images)
    condition = model.condition
    if condition is not None and condition.num_classes:  # whole rows, one per class
        count = -(-count // condition.num_classes) * condition.num_classes
    examples = examples if examples is not None else model.example_batch
    inputs = {}
    if condition is not None:
        inputs["condition"] = conditions_for(model, count, seed, examples)
    rng = np.random.default_rng(seed)
    inputs["noise"] = rng.standard_normal((count, *model.noise_shape)).astype("float32")
    if examples is not None:
        images, example_condition = examples
        kept = min(int(num_images), len(images))
        inputs["example_images"] = np.asarray(images, "float32")[:kept]
        if example_condition is not None:
            inputs["example_condition"] = np.asarray(example_condition)[:kept]
    return inputs


def check_grid_inputs(model, inputs, source):
    """Raises `ValueError` unless saved fixed inputs `inputs` (read from
    `source`) fit `model`."""

    def refuse(problem):
        raise ValueError(
            f"{source} holds the fixed inputs of another model: {problem} Use "
            "another directory, or delete the file."
        )

    noise = inputs.get("noise")
    if noise is None or tuple(noise.shape[1:]) != tuple(model.noise_shape):
        shape = None if noise is None else tuple(noise.shape[1:])
        refuse(
            f"noise of shape {shape}, but the model's noise has shape "
            f"{tuple(model.noise_shape)}."
        )
    condition = model.condition
    if ("condition" in inputs) != (condition is not None):
        refuse("the model is " + ("un" if condition is None else "") + "conditional.")
    try:
        if condition is not None:
            condition.check(inputs["condition"], len(noise), type(model).__name__)
        if "example_images" in inputs:
            validation.check_image_shape(
                inputs["example_images"].shape, model.image_shape, type(model).__name__
            )
        if "example_condition" in inputs and condition is not None:
            condition.check(
                inputs["example_condition"],
                len(inputs["example_condition"]),
                type(model).__name__,
            )
    except ValueError as error:
        refuse(str(error))


class ImageGrid(keras.callbacks.Callback):
    """Writes `epoch_NNNN.png`, a grid of samples from fixed inputs, every `every` epochs.

    What a grid shows is the model's to say: the callback makes the fixed
    inputs (`grid_inputs`: noise, conditions, real examples) and asks the
    model for the images they give (`model.grid_images`), so it works on any
    `kg.models.GenerativeModel`, a user's own subclass included:

    - unconditional models: a square grid of `num_images` samples;
    - models conditioned on class labels (`CGAN`, `CVAE`, any model whose
      condition is a `kg.conditions.ClassLabel`): one row per class;
    - models that cannot draw their own conditions (a vector, an image):
      samples for the conditions of real examples, those of the first batch
      `fit()` trained on (`model.example_batch`), or `examples`;
    - `VAE`: a row of real examples above their reconstructions, then
      samples from the prior; `Pix2Pix`: rows of real inputs, their outputs
      and their targets.

    The fixed inputs (noise, conditions, examples) are saved once in
    `directory/fixed_inputs.npz` and read back by later runs, so the grids
    of a resumed run continue the same sequence and stay comparable.

    Args:
        directory: folder for the PNGs, the fixed inputs and the GIF.
        num_images: about how many samples per grid (rounded up to whole
            rows of classes). Default 64.
        every: write a grid every this many epochs. Default 1.
        examples: real examples to take conditions (and a VAE's originals)
            from, as a batch of the dataset: `images` or `(images,
            conditions)`. Default `None`: the first batch of `fit()`.
        gif: at the end of training, also write `progress.gif` from every
            grid in `directory` (earlier runs included). Default `True`.
        log_dir: also write each grid as a TensorBoard image summary under
            `log_dir/train`, beside the scalars of
            `keras.callbacks.TensorBoard(log_dir)`. Default `None`.
        seed: seed of the fixed noise. Default 0.
        scale: enlarge each PNG by this whole factor, each pixel a block;
            `"auto"` (default): enough for a side of at least 512 pixels (3x
            for 64 MNIST digits). TensorBoard gets the grid unscaled.

    Example:

    ```python
    import tempfile
    import numpy as np
    import keras_gen as kg

    folder = tempfile.mkdtemp()
    dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
    dcgan.compile()
    images = np.random.uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    grid = kg.callbacks.ImageGrid(folder, num_images=16)
    dcgan.fit(images, batch_size=16, epochs=2, callbacks=[grid], verbose=0)
    sorted(p.name for p in grid.directory.iterdir())
    # ['epoch_0001.png', 'epoch_0002.png', 'fixed_inputs.npz', 'progress.gif']
    ```
    """

    def __init__(
        self,
        directory,
        num_images=64,
        every=1,
        examples=None,
        gif=True,
        log_dir=None,
        seed=0,
        scale="auto",
    ):
        super().__init__()
        validation.check_count(num_images, "num_images")
        validation.check_count(every, "every")
        validation.check_count(seed, "seed", minimum=0)
        if scale != "auto":
            validation.check_count(scale, "scale")
        self.directory = pathlib.Path(directory)
        self.num_images = int(num_images)
        self.every = int(every)
        self.examples = examples
        self.gif = gif
        self.log_dir = log_dir
        self.seed = seed
        self.scale = scale
        self.fixed = None
        self._writer = None
        self._chief = True

    # --- Fixed inputs -------------------------------------------------------

    def _new_fixed_inputs(self):
        examples = None
        if self.examples is not None:
            examples = self.model.unpack_batch(self.examples)
        return grid_inputs(self.model, self.num_images, self.seed, examples)

    def _load_fixed_inputs(self, path):
        with np.load(path) as data:
            fixed = {key: data[key] for key in data.files}
        check_grid_inputs(self.model, fixed, path)
        return fixed

    def on_train_begin(self, logs=None):
        # Under MultiWorkerMirroredStrategy only the chief writes grids.
        self._chief = is_chief(self.model)
        if not self._chief:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / FIXED_INPUTS
        if path.exists():
            self.fixed = self._load_fixed_inputs(path)
        else:
            self.fixed = self._new_fixed_inputs()
            np.savez(path, **self.fixed)
        if self.log_dir is not None:
            import tensorflow as tf

            self._writer = tf.summary.create_file_writer(
                str(pathlib.Path(self.log_dir) / "train")
            )

    # --- Grids --------------------------------------------------------------

    def render(self):
        """Returns the current grid as a uint8 `(H, W, C)` array."""
        images, columns = self.model.grid_images(self.fixed)
        return visualization.image_grid(images, columns, self.model.value_range)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every or not self._chief:
            return
        grid = self.render()
        visualization.save_image(
            grid, self.directory / f"epoch_{epoch + 1:04d}.png", scale=self.scale
        )
        if self._writer is not None:
            import tensorflow as tf

            with self._writer.as_default():
                tf.summary.image("samples", grid[None], step=epoch)
            self._writer.flush()

    def on_train_end(self, logs=None):
        if self.gif and self._chief:
            frames = sorted(self.directory.glob("epoch_*.png"))
            if frames:
                visualization.save_gif(
                    [
                        keras.utils.img_to_array(keras.utils.load_img(f), dtype="uint8")
                        for f in frames
                    ],
                    self.directory / "progress.gif",
                )
        if self._writer is not None:
            self._writer.close()
            self._writer = None
