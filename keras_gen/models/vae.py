"""VAE: a variational autoencoder trained through Keras' own train step."""

import keras
import numpy as np
from keras import ops

from keras_gen import networks, validation
from keras_gen.datasets.spec import DataSpec
from keras_gen.evaluation import metrics
from keras_gen.losses import at_least_float32
from keras_gen.models.own_loss import OwnLossModel

#: Training objectives of `VAE.compile`.
OBJECTIVES = ("elbo", "iwae")

LIKELIHOODS = {
    # name: range of the data the decoder models
    "bernoulli": (0.0, 1.0),
    "gaussian": (-1.0, 1.0),
}

#: Decoder inputs per forward pass of the likelihood estimates.
DECODE_BATCH = 4096


def _split(inputs):
    """`(images, condition)` from a model input `images` or `(images, condition)`."""
    if isinstance(inputs, (list, tuple)):
        return inputs[0], inputs[1]
    return inputs, None


@keras.saving.register_keras_serializable(package="keras_gen")
class VAE(OwnLossModel):
    """A variational autoencoder (Kingma & Welling, 2014) with a Gaussian encoder.

    The encoder maps an image to the mean and log-variance of q(z|x); a latent
    `z = mean + exp(log_var / 2) * eps` (the reparameterisation trick, eps
    from the model's `seed_generator`) is decoded back. The loss per image is

        reconstruction + beta * KL(q(z|x) || N(0, I))

    summed over pixels and latent dimensions, averaged over the batch, and
    logged as `loss`, `reconstruction_loss` and `kl_loss`. The VAE computes it
    in `compute_loss`, so Keras' own train step trains it on every backend.
    `compile(objective="iwae", num_samples=k)` trains on the importance-weighted
    bound instead (an IWAE, Burda et al., 2016), logged as `loss`.

    Likelihoods of the decoder:

    - `"bernoulli"` (default): data in [0, 1]; the decoder outputs logits and
      the reconstruction term is the binary cross-entropy.
    - `"gaussian"`: data in [-1, 1]; the decoder outputs the mean and the
      reconstruction term is the squared error (a unit-variance Gaussian's
      negative log-likelihood up to constants, times 2).

    Args:
        image_shape: `(height, width, channels)`.
        latent_dim: size of the latent vector.
        likelihood: `"bernoulli"` or `"gaussian"`.
        beta: weight of the KL term (1 is the ELBO; >1 a beta-VAE).
        encoder: optional network from images to `[z_mean, z_log_var]`.
        decoder: optional network from `z` to the likelihood's parameters
            (linear outputs of the image's shape).
        seed: optional int seeding the model's `seed_generator`.
        **kwargs: passed to `GenerativeModel` and `keras.Model` (`preset`,
            `name`).

    A conditional subclass sets `self.condition` and overrides
    `encoder_inputs(images, condition)` and `decoder_inputs(z, condition)`
    (by default `[images, condition]` and `[z, condition]`); see `CVAE`.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    vae = kg.VAE(image_shape=(28, 28, 1), latent_dim=2)
    vae.compile()
    images = np.random.uniform(0, 1, (32, 28, 28, 1)).astype("float32")
    vae.fit(images, batch_size=16, epochs=1, verbose=0)
    z = vae.encode(images[:4])                # (4, 2): the posterior means
    reconstructions = vae.decode(z)           # (4, 28, 28, 1) in [0, 1]
    samples = vae.generate(4, seed=0)         # (4, 28, 28, 1)
    ```
    """

    network_arguments = ("encoder", "decoder")
    noise_name = "z"

    presets = {
        "mnist": {
            "description": "Binarised 28x28 MNIST: the convolutional encoder "
            "and decoder of kg.networks, 16 latent dimensions, the Bernoulli "
            "likelihood, Adam(1e-3).",
            "data": "mnist",
            "config": {"image_shape": (28, 28, 1), "latent_dim": 16},
        },
    }

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=16,
        likelihood="bernoulli",
        beta=1.0,
        encoder=None,
        decoder=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        if likelihood not in LIKELIHOODS:
            raise ValueError(
                f"Unknown likelihood {likelihood!r}; use one of "
                f"{', '.join(map(repr, LIKELIHOODS))}."
            )
        if isinstance(beta, bool) or not isinstance(beta, (int, float)) or beta < 0:
            raise ValueError(f"`beta` must be a number >= 0; got {beta!r}.")
        validation.check_count(latent_dim, "latent_dim")

        # === Networks ===
        image_shape = validation.check_shape(image_shape, "image_shape")
        self.encoder = encoder or networks.vae_encoder(image_shape, latent_dim)
        self.decoder = decoder or networks.vae_decoder(image_shape, latent_dim)

        # === Config ===
        self.image_shape = image_shape
        self.latent_dim = int(latent_dim)
        self.likelihood = likelihood
        self.beta = float(beta)
        self.value_range = LIKELIHOODS[likelihood]
        self.objective, self.num_samples = "elbo", 1  # until compile()

        # === Metric trackers (Keras' own tracker logs the total as `loss`) ===
        self.reconstruction_loss_tracker = keras.metrics.Mean(
            name="reconstruction_loss"
        )
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    def build(self, input_shape=None):
        condition = None if self.condition is None else self.condition.spec
        images = keras.KerasTensor((None,) + self.image_shape)
        z_mean, _ = self.encoder(self.encoder_inputs(images, condition))
        if tuple(z_mean.shape[1:]) != (self.latent_dim,):
            raise ValueError(
                f"The encoder's outputs must be [z_mean, z_log_var] of shape "
                f"(batch, {self.latent_dim}); got z_mean of shape {z_mean.shape}."
            )
        z = keras.KerasTensor((None, self.latent_dim))
        output = self.decoder(self.decoder_inputs(z, condition))
        if tuple(output.shape[1:]) != self.image_shape:
            raise ValueError(
                f"The decoder must output images of shape {self.image_shape}; "
                f"got {tuple(output.shape[1:])}."
            )

    def compile(
        self,
        optimizer=None,
        objective="elbo",
        num_samples=1,
        check_data=True,
        **kwargs,
    ):
        """Configures training; `optimizer` defaults to Adam(1e-3).

        Args:
            optimizer: optimizer instance, name or config.
            objective: `"elbo"` (default): the loss is the negative ELBO,
                `reconstruction + beta * KL`, with one draw of z per image.
                `"iwae"`: the negative importance-weighted bound with
                `num_samples` draws per image (Burda et al., 2016), a
                tighter bound on the likelihood that trains the decoder
                towards a better one; it needs `beta=1`.
            num_samples: draws of z per image for `"iwae"` (e.g. 5 or 50);
                the step decodes `num_samples` times the batch.
            check_data: check every batch in the train step and stop `fit()`
                at the first bad one, as for `GAN.compile`. Default True.
            **kwargs: passed to `keras.Model.compile` (`jit_compile`,
                `steps_per_execution`, `run_eagerly`, ...). The VAE defines
                its own loss, so `loss` is not accepted.
        """
        if "loss" in kwargs:
            raise TypeError(
                "VAE.compile() does not take `loss`: the VAE's loss is "
                "reconstruction + beta * KL; choose the reconstruction term "
                "with VAE(likelihood=...) and its weight with VAE(beta=...)."
            )
        if optimizer is None:
            optimizer = keras.optimizers.Adam(learning_rate=1e-3)
        validation.check_choice(objective, "objective", OBJECTIVES)
        validation.check_count(num_samples, "num_samples")
        if objective == "elbo" and num_samples != 1:
            raise ValueError(
                "num_samples draws per image are for objective='iwae'; the "
                "ELBO objective draws one."
            )
        if objective == "iwae" and self.beta != 1.0:
            raise ValueError(
                f"objective='iwae' bounds the likelihood and needs beta=1; this "
                f"VAE has beta={self.beta}."
            )
        self.objective = objective
        self.num_samples = int(num_samples)
        super().compile(optimizer=optimizer, check_data=check_data, **kwargs)

    def own_compile_options(self):
        return {"objective": self.objective, "num_samples": self.num_samples}

    # --- Hooks: the networks' inputs ----------------------------------------

    def encoder_inputs(self, images, condition):
        """What the encoder is called on: the images, and `[images,
        condition]` for a conditional model."""
        return images if condition is None else [images, condition]

    def decoder_inputs(self, z, condition):
        """What the decoder is called on: `z`, and `[z, condition]` for a
        conditional model."""
        return z if condition is None else [z, condition]

    @property
    def training_data(self):
        """Images in the likelihood's range; binarised afresh every epoch
        for the Bernoulli likelihood, the data its likelihood is reported on."""
        spec = super().training_data
        return DataSpec(
            value_range=self.value_range,
            labels=spec.labels,
            binarize=self.likelihood == "bernoulli",
        )

    # --- Model --------------------------------------------------------------

    def mean_image(self, decoder_output):
        """Maps the decoder's output to images: the mean of the likelihood."""
        if self.likelihood == "bernoulli":
            return ops.sigmoid(decoder_output)
        return decoder_output

    def call(self, inputs, training=False):
        """Encodes, samples and decodes a batch of images, or of `(images, condition)`.

        Returns:
            a dict with `reconstruction` (in the data range), `z_mean`,
            `z_log_var` and `decoder_output` (logits or Gaussian mean).
        """
        images, condition = _split(inputs)
        z_mean, z_log_var = self.encoder(
            self.encoder_inputs(images, condition), training=training
        )
        draws = self.num_samples if training else 1
        epsilon = keras.random.normal(
            (draws,) + tuple(ops.shape(z_mean)),
            dtype=z_mean.dtype,
            seed=self.seed_generator,
        )
        # (draws, batch, latent) -> (draws * batch, latent), draw after draw.
        z = ops.reshape(
            z_mean + ops.exp(0.5 * z_log_var) * epsilon, (-1, self.latent_dim)
        )
        if draws > 1 and condition is not None:
            condition = ops.concatenate([condition] * draws, axis=0)
        decoder_output = self.decoder(
            self.decoder_inputs(z, condition), training=training
        )
        return {
            "reconstruction": self.mean_image(decoder_output),
            "z_mean": z_mean,
            "z_log_var": z_log_var,
            "epsilon": epsilon,
            "z": z,
            "decoder_output": decoder_output,
        }

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        output = at_least_float32(y_pred["decoder_output"])
        z_mean = at_least_float32(y_pred["z_mean"])
        z_log_var = at_least_float32(y_pred["z_log_var"])
        raw_images, condition = _split(x)
        self._check_batch_in_graph(raw_images, condition)
        images = ops.cast(raw_images, output.dtype)
        pixel_axes = tuple(range(1, len(images.shape)))
        draws = self.num_samples if training else 1  # as `call` drew them
        if draws != 1:  # the IWAE objective's draws, each against its image
            images = ops.concatenate([images] * draws, axis=0)
        if self.likelihood == "bernoulli":
            per_pixel = ops.binary_crossentropy(images, output, from_logits=True)
        else:
            per_pixel = ops.square(images - output)
        per_draw = ops.sum(per_pixel, axis=pixel_axes)  # -log p(x|z) (+ const)
        reconstruction = ops.mean(per_draw)
        kl = ops.mean(
            -0.5
            * ops.sum(
                1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1
            )
        )
        self.reconstruction_loss_tracker.update_state(reconstruction)
        self.kl_loss_tracker.update_state(kl)
        if draws != 1:
            total = self._negative_iwae_bound(per_draw, y_pred, z_log_var, draws)
        else:
            total = reconstruction + self.beta * kl
        if self.losses:
            total = total + ops.sum(self.losses)
        return total

    def _negative_iwae_bound(self, per_draw, outputs, z_log_var, draws):
        """`-mean_x log (1/k) sum_i p(x, z_i) / q(z_i|x)` from `k = draws` draws."""
        epsilon = at_least_float32(outputs["epsilon"])
        z = ops.reshape(at_least_float32(outputs["z"]), (draws, -1, self.latent_dim))
        # A Gaussian's squared error is twice its negative log-likelihood.
        scale = 1.0 if self.likelihood == "bernoulli" else 0.5
        log_px = -scale * ops.reshape(per_draw, (draws, -1))
        log_pz = -0.5 * ops.sum(ops.square(z), axis=-1)
        log_qz = -0.5 * ops.sum(ops.square(epsilon) + z_log_var[None], axis=-1)
        log_weights = log_px + log_pz - log_qz  # (draws, batch); 2 pi cancels
        bound = ops.logsumexp(log_weights, axis=0) - ops.log(
            ops.cast(draws, log_weights.dtype)
        )
        return -ops.mean(bound)

    # --- Inference (numpy in, numpy out) ------------------------------------

    def generate_images(self, noise, condition=None):
        """Decodes latent vectors `noise` (and `condition`) to images in the data range."""
        output = self.decoder(self.decoder_inputs(noise, condition), training=False)
        return self.mean_image(output)

    def encode(self, images, condition=None, sample=False, batch_size=256):
        """Maps images to latent vectors: the posterior means, or samples.

        Args:
            images: `(N, H, W, C)` images in the data range.
            condition: their conditions, for a conditional model.
            sample: if true, draw `z ~ q(z|x)` instead of returning its mean.
            batch_size: images per forward pass.
        """
        images = np.asarray(images, dtype="float32")
        self._check_images(images)
        self._check_condition(condition, len(images))
        condition = None if condition is None else np.asarray(condition)

        batches = []
        for start in range(0, len(images), batch_size):
            stop = start + batch_size
            z_mean, z_log_var = self.encoder(
                self.encoder_inputs(
                    images[start:stop],
                    None if condition is None else condition[start:stop],
                ),
                training=False,
            )
            if sample:
                epsilon = keras.random.normal(ops.shape(z_mean))
                z_mean = z_mean + ops.exp(0.5 * z_log_var) * epsilon
            batches.append(ops.convert_to_numpy(z_mean))
        if not batches:
            return np.zeros((0, self.latent_dim), "float32")
        return np.concatenate(batches)

    def decode(self, z, condition=None, batch_size=256):
        """Maps latent vectors `(N, latent_dim)` (and conditions) to images in the data range."""
        z = np.asarray(z, dtype="float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(
                f"`z` must have shape (N, {self.latent_dim}); got {z.shape}."
            )
        return self.generate(noise=z, condition=condition, batch_size=batch_size)

    def reconstruct(self, images, condition=None, batch_size=256):
        """Decodes the posterior mean of each image: a deterministic reconstruction."""
        z = self.encode(images, condition, batch_size=batch_size)
        return self.decode(z, condition, batch_size)

    # --- Tools: grids, export, evaluation -----------------------------------

    def grid_images(self, inputs):
        """A row of real examples above their reconstructions (where the grid
        knows examples), then samples."""
        samples, columns = super().grid_images(inputs)
        if "example_images" not in inputs:
            return samples, columns
        columns = columns or int(np.ceil(np.sqrt(len(samples))))
        originals = inputs["example_images"][:columns]
        condition = inputs.get("example_condition")
        condition = None if condition is None else condition[:columns]
        rows = [originals, self.reconstruct(originals, condition)]
        rows = [
            np.pad(
                row,
                ((0, columns - len(row)),) + ((0, 0),) * (row.ndim - 1),
                constant_values=self.value_range[0],
            )
            for row in rows
        ]
        return np.concatenate(rows + [samples]), columns

    def serving_endpoints(self):
        """`serving_default` (`z` to `images`, decoded) and `encode` (`images`
        to `z_mean` and `z_log_var`), each with the condition for a
        conditional model."""
        endpoints = super().serving_endpoints()
        inputs = {"images": keras.KerasTensor((None,) + tuple(self.image_shape))}
        if self.condition is not None:
            inputs[self.condition.name] = self.condition.spec

        def encode(tensors):
            condition = None
            if self.condition is not None:
                condition = tensors[self.condition.name]
            z_mean, z_log_var = self.encoder(
                self.encoder_inputs(tensors["images"], condition), training=False
            )
            return {"z_mean": z_mean, "z_log_var": z_log_var}

        endpoints["encode"] = (encode, inputs)
        return endpoints

    def heldout_metrics(self, data, seed=0, importance_samples=50):
        """`negative_elbo` and `negative_log_likelihood` in nats per image.

        On the images of `data` (in [0, 1], or `(images, labels)`) binarised
        with `seed` (each pixel drawn with its intensity as the probability,
        the dynamically binarised MNIST protocol), from the same
        `importance_samples` draws of z per image (`log_importance_weights`):
        the negative ELBO is their mean, the likelihood their
        importance-weighted estimate (Burda et al., 2016), an upper bound on
        the true negative log-likelihood that tightens as the draws grow and
        is never above the negative ELBO. The published protocol uses 5,000
        draws on the 10,000 MNIST test digits. `{}` for a Gaussian VAE.

        Args:
            data: held-out images (with their conditions for a conditional
                model).
            seed: seed of the binarisation and of the draws.
            importance_samples: draws of z per image. Default 50.
        """
        if self.likelihood != "bernoulli":
            return {}
        validation.check_count(importance_samples, "importance_samples")
        images, condition = self.unpack_batch(data)
        images = np.asarray(images, "float32")
        self._check_images(images)
        self._check_condition(condition, len(images))
        rng = np.random.default_rng(seed)
        binary = (rng.uniform(size=images.shape) < images).astype("float32")
        log_weights = self.log_importance_weights(
            binary, condition, num_samples=int(importance_samples), seed=seed
        )
        return {
            "negative_elbo": metrics.negative_elbo(log_weights),
            "negative_log_likelihood": metrics.importance_weighted_bound(log_weights),
        }

    def log_importance_weights(
        self, images, condition=None, num_samples=50, seed=0, batch_size=500
    ):
        """`log p(x|z) + log p(z) - log q(z|x)` for `num_samples` draws of z per image.

        The terms of the likelihood bounds (`kg.evaluation.negative_elbo`,
        `importance_weighted_bound`), for a Bernoulli VAE on binary images.
        Decodes several draws of every image per forward pass, which is what
        makes thousands of draws per image affordable.

        Args:
            images: `(N, H, W, C)` binary images.
            condition: their conditions, for a conditional model.
            num_samples: draws of z per image.
            seed: seed of the draws.
            batch_size: images encoded per forward pass.

        Returns:
            float64 array `(N, num_samples)`.
        """
        if self.likelihood != "bernoulli":
            raise ValueError(
                "Likelihood bounds here are for the Bernoulli VAE on [0, 1] images."
            )
        images = np.asarray(images, "float32")
        condition = None if condition is None else np.asarray(condition)
        rows = []
        for start in range(0, len(images), batch_size):
            stop = start + batch_size
            rows.append(
                self._log_weights(
                    images[start:stop],
                    None if condition is None else condition[start:stop],
                    num_samples,
                    np.random.default_rng(seed + start),
                )
            )
        return np.concatenate(rows)

    def _log_weights(self, images, condition, num_samples, rng):
        z_mean, z_log_var = (
            ops.convert_to_numpy(t)
            for t in self.encoder(
                self.encoder_inputs(images, condition), training=False
            )
        )
        count = len(images)
        per_pass = max(1, DECODE_BATCH // count)
        pixel_axes = tuple(range(1, images.ndim))
        terms = []
        for start in range(0, num_samples, per_pass):
            draws = min(per_pass, num_samples - start)
            eps = rng.standard_normal((draws,) + z_mean.shape).astype("float32")
            z = (z_mean + np.exp(0.5 * z_log_var) * eps).reshape(draws * count, -1)
            repeated = (
                None if condition is None else np.concatenate([condition] * draws)
            )
            logits = self.decoder(self.decoder_inputs(z, repeated), training=False)
            targets = np.concatenate([images] * draws)
            log_px = -ops.convert_to_numpy(
                ops.sum(
                    ops.binary_crossentropy(targets, logits, from_logits=True),
                    axis=pixel_axes,
                )
            ).reshape(draws, count)
            z = z.reshape(draws, count, -1)
            log_pz = -0.5 * (z**2 + np.log(2 * np.pi)).sum(axis=-1)
            log_qz = -0.5 * (eps**2 + z_log_var + np.log(2 * np.pi)).sum(axis=-1)
            terms.append(log_px + log_pz - log_qz)
        return np.concatenate(terms).T.astype("float64")  # (N, num_samples)

    # --- Serialization ------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "image_shape": list(self.image_shape),
                "latent_dim": self.latent_dim,
                "likelihood": self.likelihood,
                "beta": self.beta,
            }
        )
        return config
