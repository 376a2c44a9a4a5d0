"""Does keras_gen cost anything against a hand-written train step? `python benchmarks/throughput.py`.

For each model, in one process, it trains keras_gen's model and a minimal
hand-written Keras model (`keras.Model` with its own `train_step`, as in the
keras.io GAN and VAE examples) with the same networks, batch, losses and
optimizers and the same compiler (XLA or not), on the same in-memory batch,
and prints images/s of both and their
ratio (keras_gen / hand-written; >= 1.0 means keras_gen is not slower), and
the steps per second of both.

Both are timed with `fit(verbose=0)` over the same number of steps, after a
warm-up fit that traces and compiles the step; the timed fits alternate
(keras_gen first, then the reference first, ...). Each row prints the best
wall-clock images/s of each side and their ratio, and the median images per
CPU-second (process time, all threads) and their ratio: on a shared machine
wall-clock runs swing by tens of percent, CPU time by a few percent. keras_gen runs with its defaults
(including its NaN guard), less what the minimal reference does not compute:
the DCGAN's R1 penalty and weight average, and label smoothing; the reference
runs with Keras' defaults. keras_gen's GANs run the generator forward once per
step (`reuse_fake_images`, except on TensorFlow with XLA), the keras.io
reference twice (its generator update draws fresh noise); `--fresh-fake-images`
gives keras_gen that step too, so that the ratio measures what keras_gen's
abstractions cost on the same math.

Rows: the classic MLP GAN (batch 100), DCGAN 28x28 and 64x64, the
`"r3gan"` preset's networks at 28x28, CGAN and VAE (batch 128) on the active
backend. The hand-written GAN steps are
written for TensorFlow (GradientTape), PyTorch (autograd) and JAX (the
stateless `train_step(state, data)` of Keras' JAX guide, with the two
optimizers in a `MultiOptimizer`); the VAE uses Keras' own train step with a
`compute_loss`. `--bare-jax-loop` times the JAX GANs against a jitted loop
without `fit()` instead: what `fit()` itself costs per step. `--all-backends`
runs the script once per installed backend and prints every row.

`--compare-option NAME=VALUE` (repeatable) times keras_gen's model compiled
with that option against the same model without it, and prints the ratio
(with / without): what an option such as `augmentation=ada`,
`loss=relativistic` or `r2_penalty=0.3` costs per step. `--compare-data-check`
is `--compare-option check_data=False`: the per-batch data check's cost, as
the speed gained without it.

`--compare-precision mixed_bfloat16` times keras_gen's model under that policy
against the same model in float32 instead, on every row and backend, and prints
the speed-up: on a GPU, that is the mixed-precision gain. Where TensorFlow is
not installed (a JAX or PyTorch GPU machine), the batches come from a Python
generator instead of `tf.data`.

Options: `--models`, `--steps-scale`, `--repeats`, `--jit-compile` (override
keras_gen's default), `--steps-per-execution`, `--precision mixed_bfloat16`,
`--fresh-fake-images`.
"""

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

import keras_gen as kg  # noqa: E402

try:  # python -m benchmarks.<script>
    from benchmarks import machine  # noqa: E402
except ImportError:  # python benchmarks/<script>.py puts benchmarks/ on the path
    import machine  # noqa: E402

BACKEND = keras.backend.backend()

# --- Hand-written references ------------------------------------------------


def _bce(logits, target):
    return ops.mean(
        keras.losses.binary_crossentropy(
            ops.full_like(logits, target), logits, from_logits=True
        )
    )


class HandWrittenGAN(keras.Model):
    """The keras.io-style GAN: one D step on real + fake, then one G step."""

    def __init__(self, generator, discriminator, latent_dim, num_classes=None):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.num_classes = num_classes
        self.seed_generator = keras.random.SeedGenerator(0)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def call(self, inputs):
        return self.generator(inputs)

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    # Conditioning as in the CGAN: one-hot labels concatenated to the noise
    # and tiled as extra channels of the image.
    def _g_inputs(self, noise, labels):
        if labels is None:
            return noise
        return ops.concatenate([noise, ops.one_hot(labels, self.num_classes)], -1)

    def _d_inputs(self, images, labels):
        if labels is None:
            return images
        one_hot = ops.one_hot(labels, self.num_classes)[:, None, None, :]
        maps = ops.tile(one_hot, (1, images.shape[1], images.shape[2], 1))
        return ops.concatenate([images, maps], -1)

    def _d_loss(self, real, labels, noise):
        fake = self.generator(self._g_inputs(noise, labels), training=True)
        fake = ops.stop_gradient(fake)
        real_logits = self.discriminator(self._d_inputs(real, labels), training=True)
        fake_logits = self.discriminator(self._d_inputs(fake, labels), training=True)
        return _bce(real_logits, 1.0) + _bce(fake_logits, 0.0)

    def _g_loss(self, labels, noise):
        fake = self.generator(self._g_inputs(noise, labels), training=True)
        return _bce(
            self.discriminator(self._d_inputs(fake, labels), training=True), 1.0
        )

    def _noise(self, batch_size):
        return keras.random.normal(
            (batch_size, self.latent_dim), seed=self.seed_generator
        )

    def train_step(self, data):
        # A tuple (a list on PyTorch) of images and maybe labels, or images.
        data = tuple(data) if isinstance(data, (tuple, list)) else (data,)
        real, labels = data[0], (data[1] if len(data) > 1 else None)
        batch_size = ops.shape(real)[0]
        if BACKEND == "tensorflow":
            import tensorflow as tf

            with tf.GradientTape() as tape:
                d_loss = self._d_loss(real, labels, self._noise(batch_size))
            d_vars = self.discriminator.trainable_variables
            self.d_optimizer.apply(tape.gradient(d_loss, d_vars), d_vars)
            with tf.GradientTape() as tape:
                g_loss = self._g_loss(labels, self._noise(batch_size))
            g_vars = self.generator.trainable_variables
            self.g_optimizer.apply(tape.gradient(g_loss, g_vars), g_vars)
        else:  # torch
            import torch

            d_vars = self.discriminator.trainable_variables
            self.discriminator.zero_grad()
            d_loss = self._d_loss(real, labels, self._noise(batch_size))
            d_loss.backward()
            with torch.no_grad():
                self.d_optimizer.apply([v.value.grad for v in d_vars], d_vars)
            g_vars = self.generator.trainable_variables
            self.generator.zero_grad()
            g_loss = self._g_loss(labels, self._noise(batch_size))
            g_loss.backward()
            with torch.no_grad():
                self.g_optimizer.apply([v.value.grad for v in g_vars], g_vars)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}


class HandWrittenJaxGAN(HandWrittenGAN):
    """JAX: the same GAN with the stateless `train_step(state, data)` of Keras'
    "Customizing fit() with JAX" guide.

    JAX's trainer carries the state of one `model.optimizer` through the step,
    so the two networks' optimizers are combined in a `MultiOptimizer`, as a
    user would; the step splits the state by network, takes each update with
    `jax.value_and_grad` and `stateless_apply`, and draws its noise from a key
    folded with the step count.
    """

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        d_ids = {id(v) for v in self.discriminator.trainable_variables}
        keras.Model.compile(
            self,
            optimizer=keras.optimizers.MultiOptimizer(
                lambda v: d_optimizer if id(v) in d_ids else g_optimizer
            ),
            **kwargs,
        )
        self.optimizer.build(self.trainable_variables)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

        def positions(everything, part):
            where = {id(v): i for i, v in enumerate(everything)}
            return [where[id(v)] for v in part]

        self._where = {
            "g": positions(
                self.trainable_variables, self.generator.trainable_variables
            ),
            "d": positions(
                self.trainable_variables, self.discriminator.trainable_variables
            ),
            "g_nt": positions(
                self.non_trainable_variables, self.generator.non_trainable_variables
            ),
            "d_nt": positions(
                self.non_trainable_variables,
                self.discriminator.non_trainable_variables,
            ),
            "g_opt": positions(self.optimizer.variables, g_optimizer.variables),
            "d_opt": positions(self.optimizer.variables, d_optimizer.variables),
        }

    def train_step(self, state, data):
        import jax

        trainable, non_trainable, optimizer_values, metric_values = state
        trainable, non_trainable = list(trainable), list(non_trainable)
        optimizer_values = list(optimizer_values)
        data = tuple(data) if isinstance(data, (tuple, list)) else (data,)
        real, labels = data[0], (data[1] if len(data) > 1 else None)
        batch_size = real.shape[0]

        def take(values, key):
            return [values[i] for i in self._where[key]]

        def put(values, key, new):
            for i, value in zip(self._where[key], new):
                values[i] = value

        g_vars, d_vars = take(trainable, "g"), take(trainable, "d")
        g_nt, d_nt = take(non_trainable, "g_nt"), take(non_trainable, "d_nt")
        step = take(optimizer_values, "d_opt")[0]  # the D optimizer's iterations
        key_d, key_g = jax.random.split(jax.random.fold_in(jax.random.key(0), step))
        noise_d = jax.random.normal(key_d, (batch_size, self.latent_dim))
        noise_g = jax.random.normal(key_g, (batch_size, self.latent_dim))

        def generate(g_vars, g_nt, noise):
            return self.generator.stateless_call(
                g_vars, g_nt, self._g_inputs(noise, labels), training=True
            )

        def discriminate(d_vars, d_nt, images):
            return self.discriminator.stateless_call(
                d_vars, d_nt, self._d_inputs(images, labels), training=True
            )

        def d_loss_fn(d_vars, d_nt):
            fake, _ = generate(g_vars, g_nt, noise_d)
            real_logits, d_nt = discriminate(d_vars, d_nt, real)
            fake_logits, d_nt = discriminate(d_vars, d_nt, jax.lax.stop_gradient(fake))
            return _bce(real_logits, 1.0) + _bce(fake_logits, 0.0), d_nt

        (d_loss, d_nt), grads = jax.value_and_grad(d_loss_fn, has_aux=True)(
            d_vars, d_nt
        )
        d_vars, d_opt = self.d_optimizer.stateless_apply(
            take(optimizer_values, "d_opt"), grads, d_vars
        )

        def g_loss_fn(g_vars, g_nt):
            fake, g_nt = generate(g_vars, g_nt, noise_g)
            logits, _ = discriminate(d_vars, d_nt, fake)
            return _bce(logits, 1.0), g_nt

        (g_loss, g_nt), grads = jax.value_and_grad(g_loss_fn, has_aux=True)(
            g_vars, g_nt
        )
        g_vars, g_opt = self.g_optimizer.stateless_apply(
            take(optimizer_values, "g_opt"), grads, g_vars
        )

        put(trainable, "g", g_vars)
        put(trainable, "d", d_vars)
        put(non_trainable, "g_nt", g_nt)
        put(non_trainable, "d_nt", d_nt)
        put(optimizer_values, "g_opt", g_opt)
        put(optimizer_values, "d_opt", d_opt)
        logs, new_metric_values, start = {}, [], 0
        for tracker, value in zip(self.metrics, (d_loss, g_loss)):
            count = len(tracker.variables)
            values = tracker.stateless_update_state(
                metric_values[start : start + count], value
            )
            logs[tracker.name] = tracker.stateless_result(values)
            new_metric_values += values
            start += count
        return logs, (trainable, non_trainable, optimizer_values, new_metric_values)


def jax_loop_rate(reference, dataset, batch_size, steps, repeats):
    """`--bare-jax-loop`: the reference's own `train_step`, jitted and called
    in a plain Python loop (Keras' "training loop in JAX" guide style).

    The same step as the `fit()` reference, without `fit()`: no callbacks, no
    logs, so it shows what `fit()` costs per step. It reads its batches from
    the same pipeline as `fit()` does.
    """
    import jax

    step = jax.jit(reference.train_step, donate_argnums=0)
    state = tuple(
        [v.value for v in variables]
        for variables in (
            reference.trainable_variables,
            reference.non_trainable_variables,
            reference.optimizer.variables,
            reference.metrics_variables,
        )
    )
    batches = _numpy_batches(dataset)

    def timed(state, count):
        clock = Clock()
        for _ in range(count):
            logs, state = step(state, next(batches))
            # fit() reads the logs after each step; so does the reference.
            jax.block_until_ready(logs)
        return state, clock.rates(count * batch_size)

    state, _ = timed(state, 2)
    rates = []
    for _ in range(repeats):
        state, rate = timed(state, steps)
        rates.append(rate)
    return rates


class HandWrittenVAE(keras.Model):
    """The keras.io VAE: Bernoulli reconstruction (summed over pixels) + KL."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.seed_generator = keras.random.SeedGenerator(0)

    def call(self, x, training=False):
        z_mean, z_log_var = self.encoder(x, training=training)
        eps = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        z = z_mean + ops.exp(0.5 * z_log_var) * eps
        return z_mean, z_log_var, self.decoder(z, training=training)

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        # Keras' train step has run `call` once already: use its outputs.
        z_mean, z_log_var, logits = y_pred
        per_pixel = ops.binary_crossentropy(x, logits, from_logits=True)
        reconstruction = ops.sum(per_pixel, axis=(1, 2, 3))
        kl = -0.5 * ops.sum(
            1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=1
        )
        return ops.mean(reconstruction + kl)


# --- Rows -------------------------------------------------------------------


def _adam():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


def _clone(network):
    clone = keras.models.clone_model(network)
    clone.set_weights(network.get_weights())
    return clone


def keras_gen_model(kind, compile_kwargs):
    """(keras_gen model, batch, data) for one row, under the global dtype policy."""
    rng = np.random.default_rng(0)
    if kind == "vae":
        model = kg.VAE(image_shape=(28, 28, 1), seed=0)
        compile_kwargs = dict(compile_kwargs)
        compile_kwargs.pop("reuse_fake_images", None)  # a GAN option
        model.compile(optimizer=keras.optimizers.Adam(1e-3), **compile_kwargs)
        images = (rng.uniform(0, 1, (128, 28, 28, 1)) > 0.5).astype("float32")
        return model, 128, images
    if kind == "mlp_gan":
        batch, shape, latent = 100, (28, 28, 1), 64
        model = kg.GAN(
            kg.networks.mlp_generator(latent, shape),
            kg.networks.mlp_discriminator(shape),
            latent_dim=latent,
            seed=0,
        )
    elif kind == "r3gan_28":  # the "r3gan" preset's networks, on BCE like the rest
        batch, latent = 128, 64
        model = kg.GAN.from_preset("r3gan", ema=None, seed=0)
        shape = model.image_shape
    elif kind in ("dcgan_28", "dcgan_64"):
        size = 28 if kind == "dcgan_28" else 64
        batch, shape, latent = 128, (size, size, 1), 100
        model = kg.DCGAN(image_shape=shape, latent_dim=latent, ema=None, seed=0)
    else:  # cgan
        batch, shape, latent = 128, (28, 28, 1), 100
        model = kg.CGAN(num_classes=10, image_shape=shape, latent_dim=latent, seed=0)
    model.compile(
        **{
            "d_optimizer": _adam(),
            "g_optimizer": _adam(),
            # The reference's losses: no penalties, no label smoothing.
            "loss": "non_saturating",
            "r1_penalty": 0.0,
            "r2_penalty": 0.0,
            "label_smoothing": 0.0,
            **compile_kwargs,
        }
    )
    images = rng.uniform(-1, 1, (batch,) + shape).astype("float32")
    data = (images, rng.integers(0, 10, batch)) if kind == "cgan" else images
    return model, batch, data


def hand_written_model(kind, model, data):
    """The hand-written reference with copies of `model`'s networks and weights."""
    if kind == "vae":
        reference = HandWrittenVAE(_clone(model.encoder), _clone(model.decoder))
        reference.compile(optimizer=keras.optimizers.Adam(1e-3))
        reference(data[:2])  # build, so that fit() can trace it on every backend
        return reference
    reference_class = HandWrittenJaxGAN if BACKEND == "jax" else HandWrittenGAN
    reference = reference_class(
        _clone(model.generator),
        _clone(model.discriminator),
        model.latent_dim,
        num_classes=10 if kind == "cgan" else None,
    )
    # The same compiler as keras_gen's model: the ratio is the step's own cost.
    reference.compile(
        d_optimizer=_adam(), g_optimizer=_adam(), jit_compile=model.jit_compile
    )
    reference.built = True  # its networks are built; nothing of its own to create
    return reference


def _dataset(data):
    """The same batch forever: a tf.data pipeline, or where TensorFlow is not
    installed (a JAX or PyTorch GPU machine), a Python generator."""
    if importlib.util.find_spec("tensorflow") is None:

        def forever():
            batch = data if isinstance(data, tuple) else (data,)
            while True:
                yield batch

        return forever()
    import tensorflow as tf

    return tf.data.Dataset.from_tensors(data).repeat()


def _numpy_batches(dataset):
    """Each batch of `_dataset()` as numpy arrays."""
    if hasattr(dataset, "as_numpy_iterator"):
        return dataset.as_numpy_iterator()
    return (batch if len(batch) > 1 else batch[0] for batch in dataset)


class Clock:
    """Wall-clock and process CPU time since creation."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def rates(self, images):
        """(images per wall-clock second, images per CPU second)."""
        return (
            images / (time.perf_counter() - self.wall),
            images / (time.process_time() - self.cpu),
        )


def _fit(model, dataset, steps):
    # Under the policy the model was built with, should anything read it while
    # training (the precision comparison builds models under two).
    keras.mixed_precision.set_global_policy(model.dtype_policy.name)
    model.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)


def _rate(model, dataset, batch, steps):
    clock = Clock()
    _fit(model, dataset, steps)
    return clock.rates(steps * batch)


def summary(rates):
    """Images/s: the best wall-clock run, the least disturbed by the rest of a
    shared machine; images per CPU-second: the median, which moves by a few percent
    where wall-clock runs on a shared 2-core machine swing by 30%."""
    return max(r[0] for r in rates), statistics.median(r[1] for r in rates)


def take_turns(models, dataset, batch, steps, repeats):
    """`summary()` of each model's timed fits, run in turns after a warm-up fit
    that traces and compiles each; which goes first alternates, since on a
    shared machine the run after another can be slower."""
    for model in models:
        _fit(model, dataset, 2)
    rates = [[] for _ in models]
    for repeat in range(repeats):
        order = range(len(models)) if repeat % 2 == 0 else reversed(range(len(models)))
        for i in order:
            rates[i].append(_rate(models[i], dataset, batch, steps))
    return [summary(r) for r in rates]


def measure(model, reference, batch, data, steps, repeats, bare_jax_loop=False):
    dataset = _dataset(data)
    if bare_jax_loop and isinstance(reference, HandWrittenJaxGAN):
        (ours,) = take_turns([model], dataset, batch, steps, repeats)
        theirs = jax_loop_rate(reference, dataset, batch, steps, repeats)
        return ours, summary(theirs)
    return take_turns([model, reference], dataset, batch, steps, repeats)


STEPS = {
    "mlp_gan": 300,
    "dcgan_28": 30,
    "dcgan_64": 8,
    "r3gan_28": 8,
    "cgan": 30,
    "vae": 100,
}
ROWS = ("mlp_gan", "dcgan_28", "dcgan_64", "r3gan_28", "cgan", "vae")
#: compile() options the VAE rows take; the others are the GANs'.
VAE_OPTIONS = ("check_data", "jit_compile", "steps_per_execution")


def option(text):
    """`NAME=VALUE` from the command line: the value as a Python literal
    (`r1_penalty=0.3`, `check_data=False`), else as a string
    (`augmentation=ada`)."""
    import ast

    name, separator, value = text.partition("=")
    if not separator or not name.isidentifier():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return name, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return name, value


def against_hand_written(kind, steps, repeats, compile_kwargs, bare_jax_loop=False):
    model, batch, data = keras_gen_model(kind, compile_kwargs)
    reference = hand_written_model(kind, model, data)
    (ours, ours_cpu), (theirs, theirs_cpu) = measure(
        model, reference, batch, data, steps, repeats, bare_jax_loop
    )
    name = "bare loop" if bare_jax_loop and kind != "vae" else "hand-written"
    print(
        f"{BACKEND:<10} {kind:<9} batch {batch:>3}  jit {str(model.jit_compile):<5}  "
        f"keras_gen {ours:8.1f} img/s  {name} {theirs:8.1f} img/s  "
        f"ratio {ours / theirs:.2f}  |  per CPU-second {ours_cpu:8.1f} vs "
        f"{theirs_cpu:8.1f}  ratio {ours_cpu / theirs_cpu:.2f}  |  steps/s "
        f"{ours / batch:.1f} vs {theirs / batch:.1f}",
        flush=True,
    )


def against_float32(kind, policy, steps, repeats, compile_kwargs):
    """keras_gen's model under `policy` against the same model in float32."""
    models = []
    for name in ("float32", policy):
        keras.mixed_precision.set_global_policy(name)
        model, batch, data = keras_gen_model(kind, compile_kwargs)
        models.append(model)
    (f32, _), (mixed, _) = take_turns(models, _dataset(data), batch, steps, repeats)
    keras.mixed_precision.set_global_policy("float32")
    print(
        f"{BACKEND:<10} {kind:<9} batch {batch:>3}  jit {str(model.jit_compile):<5}  "
        f"float32 {f32:9.1f} img/s  {policy} {mixed:9.1f} img/s  "
        f"speed-up {mixed / f32:.2f}",
        flush=True,
    )


def against_option(kind, option, value, steps, repeats, compile_kwargs):
    """keras_gen's model compiled with `option=value` against the same model
    without it (the row's baseline compile): what the option costs per step."""
    models = []
    for extra in ({}, {option: value}):
        model, batch, data = keras_gen_model(kind, {**compile_kwargs, **extra})
        models.append(model)
    (without, without_cpu), (with_, with_cpu) = take_turns(
        models, _dataset(data), batch, steps, repeats
    )
    print(
        f"{BACKEND:<10} {kind:<9} batch {batch:>3}  jit {str(model.jit_compile):<5}  "
        f"{option}={value!r}: with {with_:8.1f} img/s  without {without:8.1f} img/s  "
        f"ratio {with_ / without:.3f}  |  per CPU-second ratio "
        f"{with_cpu / without_cpu:.3f}",
        flush=True,
    )


def run(
    models,
    steps_scale,
    repeats,
    compile_kwargs,
    compare_precision=None,
    bare_jax_loop=False,
    compare_options=(),
):
    for kind in models:
        steps = max(2, int(STEPS[kind] * steps_scale))
        if compare_options:
            for option, value in compare_options:
                if kind == "vae" and option not in VAE_OPTIONS:
                    continue  # a GAN's option
                against_option(kind, option, value, steps, repeats, compile_kwargs)
        elif compare_precision:
            against_float32(kind, compare_precision, steps, repeats, compile_kwargs)
        else:
            against_hand_written(kind, steps, repeats, compile_kwargs, bare_jax_loop)
        keras.backend.clear_session()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(ROWS), choices=ROWS)
    parser.add_argument(
        "--steps-scale",
        type=float,
        default=1.0,
        help="multiply each row's timed steps by this",
    )
    parser.add_argument("--repeats", type=int, default=6)
    parser.add_argument("--jit-compile", choices=("auto", "true", "false"))
    parser.add_argument("--steps-per-execution", type=int)
    parser.add_argument("--precision", help="a keras.mixed_precision policy name")
    parser.add_argument(
        "--compare-precision",
        metavar="POLICY",
        help="instead of the hand-written rows, time keras_gen under this "
        "policy (e.g. mixed_bfloat16) against keras_gen in float32, every row",
    )
    parser.add_argument(
        "--compare-data-check",
        action="store_true",
        help="instead of the hand-written rows, time keras_gen with "
        "compile(check_data=False) against its default per-batch data check, "
        "every row (the same as --compare-option check_data=False)",
    )
    parser.add_argument(
        "--compare-option",
        type=option,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="instead of the hand-written rows, time keras_gen compiled with "
        "this option against without it, every row; repeatable "
        "(augmentation=ada, loss=relativistic, r2_penalty=0.3)",
    )
    parser.add_argument(
        "--bare-jax-loop",
        action="store_true",
        help="on JAX, time the GANs against a bare jitted loop without fit() "
        "instead of the hand-written Keras train_step",
    )
    parser.add_argument(
        "--fresh-fake-images",
        action="store_true",
        help="keras_gen's generator update draws fresh noise, as the "
        "reference's does (compile(reuse_fake_images=False))",
    )
    parser.add_argument(
        "--all-backends",
        action="store_true",
        help="run once per installed backend (subprocesses)",
    )
    args = parser.parse_args()

    if args.all_backends:
        forwarded = [a for a in sys.argv[1:] if a != "--all-backends"]
        for backend in ("tensorflow", "jax", "torch"):
            if importlib.util.find_spec(backend) is None:
                print(f"{backend:<10} not installed")
                continue
            env = dict(os.environ, KERAS_BACKEND=backend)
            subprocess.run([sys.executable, __file__, *forwarded], env=env, check=True)
        return

    if args.precision:
        keras.mixed_precision.set_global_policy(args.precision)
    compile_kwargs = {}
    if args.jit_compile:
        compile_kwargs["jit_compile"] = {"auto": "auto", "true": True, "false": False}[
            args.jit_compile
        ]
    if args.steps_per_execution:
        compile_kwargs["steps_per_execution"] = args.steps_per_execution
    if args.fresh_fake_images:
        compile_kwargs["reuse_fake_images"] = False
    print(
        f"# {machine.describe()}, options {compile_kwargs or 'defaults'}, "
        f"precision {args.precision or 'float32'}"
    )
    run(
        args.models,
        args.steps_scale,
        args.repeats,
        compile_kwargs,
        args.compare_precision,
        args.bare_jax_loop,
        args.compare_option + [("check_data", False)] * args.compare_data_check,
    )


if __name__ == "__main__":
    main()
