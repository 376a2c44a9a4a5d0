"""Saves a grid of samples from fixed inputs after every few epochs."""

import pathlib

import keras
import numpy as np

from keras_gen import visualization
from keras_gen.distribute import is_chief

FIXED_INPUTS = "fixed_inputs.npz"


class ImageGrid(keras.callbacks.Callback):
    """Writes `epoch_NNNN.png`, a grid of samples from fixed inputs, every `every` epochs.

    The fixed inputs (noise, labels, images) are saved once in
    `directory/fixed_inputs.npz` and read back by later runs, so the grids
    of a resumed run continue the same sequence and stay comparable.

    - GAN / DCGAN: a square grid of `num_images` samples.
    - CGAN (and subclasses): one row per class.
    - VAE: a row of originals (`images=`) above their reconstructions, then
      samples from the prior.

    Args:
        directory: folder for the PNGs, the fixed inputs and the GIF.
        num_images: samples per grid.
        every: write a grid every this many epochs.
        images: for a VAE, original images (in the data range) to show with
            their reconstructions; up to one row of them is used.
        gif: at the end of training, also write `progress.gif` from every
            grid in `directory` (earlier runs included).
        log_dir: also write each grid as a TensorBoard image summary under
            `log_dir/train`, beside the scalars of `keras.callbacks.TensorBoard(log_dir)`.
        seed: seed of the fixed noise.

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
        images=None,
        gif=True,
        log_dir=None,
        seed=0,
    ):
        super().__init__()
        if num_images < 1 or every < 1:
            raise ValueError("`num_images` and `every` must be at least 1.")
        self.directory = pathlib.Path(directory)
        self.num_images = int(num_images)
        self.every = int(every)
        self.images = images
        self.gif = gif
        self.log_dir = log_dir
        self.seed = seed
        self.fixed = None
        self._writer = None
        self._chief = True

    # --- Fixed inputs -------------------------------------------------------

    def _new_fixed_inputs(self):
        from keras_gen.models import CGAN, VAE

        rng = np.random.default_rng(self.seed)
        model = self.model
        fixed = {}
        if isinstance(model, CGAN):
            per_class = int(np.ceil(self.num_images / model.num_classes))
            fixed["labels"] = np.repeat(np.arange(model.num_classes), per_class).astype(
                "int32"
            )
            count = len(fixed["labels"])
        else:
            count = self.num_images
        fixed["noise"] = rng.standard_normal((count, model.latent_dim)).astype(
            "float32"
        )
        if isinstance(model, VAE) and self.images is not None:
            columns = int(np.ceil(np.sqrt(self.num_images)))
            fixed["images"] = np.asarray(self.images, dtype="float32")[:columns]
        return fixed

    def _load_fixed_inputs(self, path):
        with np.load(path) as data:
            fixed = {key: data[key] for key in data.files}
        if fixed["noise"].shape[1] != self.model.latent_dim:
            raise ValueError(
                f"{path} holds noise of width {fixed['noise'].shape[1]}, but the "
                f"model's latent_dim is {self.model.latent_dim}: this folder "
                "belongs to another model. Use another directory, or delete the file."
            )
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
        from keras_gen.models import CGAN, VAE

        model = self.model
        noise = self.fixed["noise"]
        if isinstance(model, VAE):
            columns = int(np.ceil(np.sqrt(self.num_images)))
            rows = []
            if "images" in self.fixed:
                originals = self.fixed["images"]
                rows += [originals, model.reconstruct(originals)]
                rows = [
                    np.pad(
                        r,
                        ((0, columns - len(r)),) + ((0, 0),) * 3,
                        constant_values=model.value_range[0],
                    )
                    for r in rows
                ]
            rows.append(model.decode(noise))
            return visualization.image_grid(
                np.concatenate(rows), columns, model.value_range
            )
        if isinstance(model, CGAN):
            images = model.generate(labels=self.fixed["labels"], noise=noise)
            columns = len(noise) // model.num_classes
            return visualization.image_grid(images, columns, model.value_range)
        return visualization.image_grid(
            model.generate(noise=noise), None, model.value_range
        )

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every or not self._chief:
            return
        grid = self.render()
        visualization.save_image(grid, self.directory / f"epoch_{epoch + 1:04d}.png")
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
