"""Saves a grid of samples from fixed inputs after every few epochs."""

import pathlib

import keras
import numpy as np

from keras_gen import validation, visualization
from keras_gen.distribute import is_chief

FIXED_INPUTS = "fixed_inputs.npz"


class ImageGrid(keras.callbacks.Callback):
    """Writes `epoch_NNNN.png`, a grid of samples from fixed inputs, every `every` epochs.

    What a grid shows is the model's to say: the callback asks it for the
    fixed inputs (`model.grid_inputs`) and for the images they give
    (`model.grid_images`), so it works on any `kg.models.GenerativeModel`,
    a user's own subclass included:

    - unconditional models: a square grid of `num_images` samples;
    - models conditioned on class labels (`CGAN`, `CVAE`, any model whose
      `condition_spec()` is an integer label with a `condition_range()`):
      one row per class;
    - models that cannot draw their own conditions (a vector, an image):
      samples for the conditions of real examples, those of the first batch
      `fit()` trained on (`model.example_batch`), or `examples`;
    - `VAE`: a row of real examples above their reconstructions, then
      samples from the prior.

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
        return self.model.grid_inputs(self.num_images, self.seed, examples)

    def _load_fixed_inputs(self, path):
        with np.load(path) as data:
            fixed = {key: data[key] for key in data.files}
        self.model.check_grid_inputs(fixed, path)
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
