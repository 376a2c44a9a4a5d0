"""Sample quality of each default model after a fixed training time.

`python benchmarks/quality.py --budget 600` trains the classic MLP GAN, the
DCGAN (its "mnist" preset, and the paper's settings), CGAN and VAE on MNIST
(../shared/datasets/mnist by default) for `--budget` seconds of wall-clock
time each, then scores 10,000 samples of each with `kg.evaluation.evaluate`
against the official MNIST test split and prints one table: steps, images/s,
Fréchet distance with its 95% bootstrap interval, classifier score, precision,
recall, density, coverage, the memorization ratio against the training
digits, label accuracy (CGAN), and for the VAE the -ELBO and the negative
log-likelihood estimated with k = 5,000 importance samples on the 10,000
binarised test digits (Burda et al., 2016; `--importance-samples` and
`--likelihood-images` shrink it for quick runs). Three reference rows come
first: real digits not trained on (what to aim at), copies of training digits
(a memorizing generator) and only the digit 1 (a collapsed one).

`--models stacked-dcgan` (in the default list) trains the default
`kg.DCGAN(image_shape=(28, 28, 3))` and the "mnist" preset at three channels on
Stacked MNIST and counts the modes of 26,000 samples of each, beside real
stacked digits.

`--steps 5600` trains each model for that many steps instead: on a shared
machine whose speed changes from hour to hour, a fixed number of steps gives
scores that compare across runs, where a time budget gives the quality a user
gets in that time on that machine. `--save-samples DIR` also writes a grid of 64
samples of each model (`generate(seed=0)`; the CGAN's in class order) to
`DIR/<model>.png`, to see what the scores mean.

`--seed 1` trains every model with another seed (weights, noise and the
data's order; the default is 0); `--train-digits 6000` trains the MNIST
models of the sample table (not the VAEs, which train on binarised digits)
on only the first 6,000 training digits (10%), for data-efficient training.
Beyond the defaults, `--models` takes the candidates of issue 37:
`dcgan-relativistic` (the preset's networks with the relativistic loss and
R1 and R2), `dcgan-diffaugment`, `dcgan-ada` (the preset with
differentiable or adaptive augmentation) and `r3gan`
(`GAN.from_preset("r3gan")`).

`--truncation 2,1.5` also scores each model's samples with its noise (a
VAE's prior draws) truncated to those bounds (`generate(truncation=...)`, the
truncation trick), as extra rows of the same trained model.

Image-to-image translation (Pix2Pix against L1 alone, CycleGAN) is measured by
`benchmarks/translation.py`.
"""

import argparse
import inspect
import os
import pathlib
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import keras_gen as kg  # noqa: E402
from keras_gen.evaluation.evaluate import default_reference_images  # noqa: E402

try:  # python -m benchmarks.<script>
    from benchmarks import machine  # noqa: E402
except ImportError:  # python benchmarks/<script>.py puts benchmarks/ on the path
    import machine  # noqa: E402

SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared/datasets/mnist"


class Budget(keras.callbacks.Callback):
    """Stops training once `seconds` have passed, or after `steps` steps;
    counts the steps taken and times them."""

    def __init__(self, seconds=None, steps=None):
        super().__init__()
        if (seconds is None) == (steps is None):
            raise ValueError("Pass either `seconds` or `steps`.")
        self.seconds = seconds
        self.max_steps = steps
        self.steps = 0
        self.elapsed = None

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.max_steps is not None:
            done = self.steps >= self.max_steps
        else:
            done = time.perf_counter() - self.start > self.seconds
        if done:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        # Training time only: evaluation afterwards must not lower images/s.
        self.elapsed = time.perf_counter() - self.start


def models():
    """The defaults each model ships with, as a user would build them."""

    def gan():
        model = kg.GAN(
            kg.networks.mlp_generator(64),
            kg.networks.mlp_discriminator(),
            latent_dim=64,
        )
        model.compile()
        return model, dict(batch_size=100)

    def dcgan():
        model = kg.DCGAN.from_preset("mnist")
        model.compile()
        return model, dict(batch_size=128)

    def dcgan_paper():
        # The DCGAN paper's recipe, the class defaults without a preset.
        model = kg.DCGAN(image_shape=(28, 28, 1))
        model.compile()
        return model, dict(batch_size=128)

    def dcgan_relativistic():
        # Issue 37's objective on the preset's networks: the relativistic
        # pairing loss with R1 and R2 on 16 images each (R3GAN's recipe).
        model = kg.DCGAN.from_preset("mnist")
        model.compile(
            loss="relativistic", r1_penalty=0.3, r2_penalty=0.3, r1_batch_size=16
        )
        return model, dict(batch_size=128)

    def dcgan_diffaugment():
        model = kg.DCGAN.from_preset("mnist")
        model.compile(augmentation="translation,cutout")
        return model, dict(batch_size=128)

    def dcgan_ada():
        model = kg.DCGAN.from_preset("mnist")
        model.compile(augmentation="ada")
        return model, dict(batch_size=128)

    def r3gan():
        model = kg.GAN.from_preset("r3gan")
        model.compile()
        return model, dict(batch_size=128)

    def cgan():
        model = kg.CGAN(num_classes=10, image_shape=(28, 28, 1))
        model.compile()
        return model, dict(batch_size=128, labels=True)

    def vae():
        model = kg.VAE(image_shape=(28, 28, 1), latent_dim=16)
        model.compile()
        # Trained on dynamically binarised digits, the data -ELBO is reported on.
        return model, dict(batch_size=128, value_range=(0, 1), binarize=True)

    def vae_iwae():
        # The same VAE trained on the importance-weighted bound with 2 draws
        # (2 measured better than 5 in a fixed time: docs/benchmarks.md).
        model = kg.VAE(image_shape=(28, 28, 1), latent_dim=16)
        model.compile(objective="iwae", num_samples=2)
        return model, dict(batch_size=128, value_range=(0, 1), binarize=True)

    return {
        "gan": gan,
        "dcgan": dcgan,
        "dcgan-paper": dcgan_paper,
        "dcgan-relativistic": dcgan_relativistic,
        "dcgan-diffaugment": dcgan_diffaugment,
        "dcgan-ada": dcgan_ada,
        "r3gan": r3gan,
        "cgan": cgan,
        "vae": vae,
        "vae-iwae": vae_iwae,
        "stacked-dcgan": None,  # the Stacked MNIST table: see stacked_rows
    }


#: What runs without `--models`: each model's defaults as a user builds them.
DEFAULT_MODELS = (
    "gan",
    "dcgan",
    "dcgan-paper",
    "cgan",
    "vae",
    "vae-iwae",
    "stacked-dcgan",
)


def save_sample_grid(model, path, count=64):
    """Writes `count` samples of `model` as an 8-column grid, each pixel doubled."""
    samples = model.generate(count, seed=0)  # a CGAN's: every class in turn
    grid = kg.visualization.image_grid(
        samples, columns=8, value_range=model.value_range
    )
    return kg.visualization.save_image(grid.repeat(2, axis=0).repeat(2, axis=1), path)


def reference_rows(args, evaluator):
    """What three kinds of image sets score, to read models' figures by.

    The MNIST training digits here are split in two: the first part plays the
    training set of the memorization check, the last 10,000 are real digits
    not in it. Rows: those unseen real digits (a perfect generator); copies of
    the training part (a memorizing one); only the digit 1 (a collapsed one).
    """
    from keras_gen.datasets.mnist_sources import load_arrays

    digits, labels, _ = load_arrays("train", args.data_dir)
    digits = digits[..., None].astype("float32") / 255.0
    count = min(args.num_samples, len(digits) // 2)
    train, unseen = digits[:-count], digits[-count:]
    train_features, _ = evaluator.features_and_probabilities(train)
    rows = []
    for name, images, image_labels in (
        ("real digits not trained on", unseen, labels[-count:]),
        ("copies of training digits", train[:count], labels[:count]),
        ("collapsed: only 1s", digits[labels == 1][:count], None),
    ):
        scores = evaluator.score_images(images, image_labels)
        features, _ = evaluator.features_and_probabilities(images)
        scores.update(
            kg.evaluation.memorization(
                train_features, features, evaluator.reference_features
            )
        )
        rows.append((name, "", "", scores))
    return rows


def stacked_models():
    """The DCGAN at three channels: the class defaults, and the README's
    "mnist" preset (the same configuration at three channels). Name to
    `(builder, sample grid file)`."""
    return {
        "DCGAN(image_shape=(28, 28, 3))": (
            lambda: kg.DCGAN(image_shape=(28, 28, 3)),
            "stacked-dcgan.png",
        ),
        'DCGAN.from_preset("mnist", image_shape=(28, 28, 3))': (
            lambda: kg.DCGAN.from_preset("mnist", image_shape=(28, 28, 3)),
            "stacked-dcgan-preset.png",
        ),
    }


def stacked_rows(args, evaluator):
    """The DCGAN at three channels on Stacked MNIST, and real stacks."""
    real, _ = kg.datasets.stacked_mnist_arrays(
        args.mode_samples, "train", args.data_dir, seed=1
    )
    rows = [
        (
            "real stacked digits",
            "",
            "",
            kg.evaluation.stacked_mnist_modes(real / 255.0, evaluator),
        )
    ]
    for name, (build, grid_file) in stacked_models().items():
        keras.utils.set_random_seed(args.seed)
        model = build()
        model.compile()
        data = kg.datasets.stacked_mnist(
            batch_size=128, data_dir=args.data_dir, seed=args.seed
        )
        budget = Budget(seconds=args.budget, steps=args.steps)
        model.fit(data, epochs=10_000, verbose=0, callbacks=[budget])
        scores = kg.evaluation.evaluate(
            model, 2, evaluator, detail=False, mode_samples=args.mode_samples
        )
        rows.append((name, budget.steps, budget.steps * 128 / budget.elapsed, scores))
        print(f"{name}: {budget.steps} steps in {budget.elapsed:.0f}s", flush=True)
        if args.save_samples:
            save_sample_grid(model, pathlib.Path(args.save_samples) / grid_file)
    return rows


def train_subset(args, options):
    """The first `--train-digits` training digits (uint8), and their labels
    when the model takes them."""
    from keras_gen.datasets.mnist_sources import load_arrays

    if options.get("binarize"):
        raise SystemExit("--train-digits does not binarize: leave out the VAEs.")
    digits, labels, _ = load_arrays("train", args.data_dir)
    count = args.train_digits
    return digits[:count, ..., None], labels[:count] if options.get("labels") else None


def cell(value, fmt):
    return format(value, fmt) if isinstance(value, (int, float)) else "-"


def print_sample_table(rows, length, args):
    print(
        f"\n{length} per model; {args.num_samples} samples scored against the "
        "10,000 MNIST test digits; memorization against the training digits; "
        f"likelihood with k = {args.importance_samples} on "
        f"{args.likelihood_images:,} test digits."
    )
    print(
        "| model | steps | images/s | Fréchet distance [95% interval] | classifier score "
        "| precision | recall | density | coverage | memorization ratio "
        "| label accuracy | -ELBO (nats) | NLL (nats) |"
    )
    print("| --- |" + " ---: |" * 12)
    for name, steps, rate, s in rows:
        interval = (
            f" [{s['frechet_distance_low']:.2f}, {s['frechet_distance_high']:.2f}]"
            if "frechet_distance_low" in s
            else ""
        )
        print(
            f"| {name} | {steps} | {cell(rate, '.0f')} | "
            f"{s['frechet_distance']:.2f}{interval} | {s['classifier_score']:.2f} | "
            f"{s['precision']:.3f} | {s['recall']:.3f} | {s['density']:.3f} | "
            f"{s['coverage']:.3f} | {cell(s.get('memorization_ratio'), '.2f')} | "
            f"{cell(s.get('label_accuracy'), '.3f')} | "
            f"{cell(s.get('negative_elbo'), '.1f')} | "
            f"{cell(s.get('negative_log_likelihood'), '.2f')} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    length = parser.add_mutually_exclusive_group()
    length.add_argument(
        "--budget", type=float, help="seconds of training per model (default 600)"
    )
    length.add_argument("--steps", type=int, help="train steps per model instead")
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS))
    parser.add_argument(
        "--seed", type=int, default=0, help="weights', noise's and data order's seed"
    )
    parser.add_argument(
        "--train-digits",
        type=int,
        help="train the sample table's GANs on only the first N training "
        "digits (data-efficient runs: 6000 is 10%%)",
    )
    parser.add_argument("--num-samples", type=int, default=10_000)
    parser.add_argument(
        "--importance-samples",
        type=int,
        default=5000,
        help="draws per test digit of the VAE's likelihood (the published k)",
    )
    parser.add_argument(
        "--likelihood-images",
        type=int,
        default=10_000,
        help="test digits the VAE's likelihood is estimated on (all 10,000 "
        "in the published protocol)",
    )
    parser.add_argument(
        "--mode-samples",
        type=int,
        default=kg.evaluation.STACKED_MNIST_SAMPLES,
        help="Stacked MNIST samples counted (26,000 in the published protocol)",
    )
    parser.add_argument(
        "--bootstrap-resamples",
        type=int,
        default=100,
        help="resamples of the distances' 95%% intervals",
    )
    parser.add_argument(
        "--truncation",
        type=lambda text: [float(level) for level in text.split(",")],
        default=[],
        help="comma-separated noise bounds to also score each model at",
    )
    parser.add_argument("--data-dir", default=SHARED if SHARED.is_dir() else None)
    parser.add_argument("--save-samples", metavar="DIR", help="write sample grids here")
    args = parser.parse_args()
    if args.steps is None and args.budget is None:
        args.budget = 600

    data = (
        f", the first {args.train_digits:,} training digits"
        if args.train_digits
        else ""
    )
    print(f"# {machine.describe()}; seed {args.seed}{data}", flush=True)
    from keras_gen.datasets.mnist_sources import load_arrays

    test_images, test_labels = default_reference_images()
    evaluator = kg.evaluation.Evaluator(bootstrap_resamples=args.bootstrap_resamples)
    train_digits = load_arrays("train", args.data_dir)[0][..., None] / 255.0
    names = args.models.split(",")
    rows, stacked = [], None
    if "stacked-dcgan" in names:
        names.remove("stacked-dcgan")
        stacked = stacked_rows(args, evaluator)
    if names:
        rows = reference_rows(args, evaluator)
    for name in names:
        keras.utils.set_random_seed(args.seed)
        model, options = models()[name]()
        batch_size = options.pop("batch_size")
        if args.train_digits:
            images, labels = train_subset(args, options)
            data = kg.datasets.from_numpy(
                images,
                labels,
                batch_size=batch_size,
                value_range=options.get("value_range", (-1.0, 1.0)),
                seed=args.seed,
            )
        else:
            data = kg.datasets.mnist(
                batch_size=batch_size, data_dir=args.data_dir, seed=args.seed, **options
            )
        budget = Budget(seconds=args.budget, steps=args.steps)
        model.fit(data, epochs=10_000, verbose=0, callbacks=[budget])
        print(f"{name}: {budget.steps} steps in {budget.elapsed:.0f}s", flush=True)
        held_out = args.likelihood_images
        # The likelihood's draws, for the models whose held-out figures take them.
        likelihood = {}
        if "importance_samples" in inspect.signature(model.heldout_metrics).parameters:
            likelihood["importance_samples"] = args.importance_samples
        scores = kg.evaluation.evaluate(
            model,
            args.num_samples,
            evaluator,
            test_data=(test_images[:held_out], test_labels[:held_out]),
            training_images=train_digits,
            **likelihood,
        )
        rate = budget.steps * batch_size / budget.elapsed
        rows.append((name, budget.steps, rate, scores))
        for level in args.truncation:
            truncated = kg.evaluation.evaluate(
                model,
                args.num_samples,
                evaluator,
                training_images=train_digits,
                truncation=level,
            )
            rows.append(
                (f"{name}, truncation {level:g}", budget.steps, rate, truncated)
            )
        if args.save_samples:
            save_sample_grid(model, pathlib.Path(args.save_samples) / f"{name}.png")

    length = f"{args.steps} steps" if args.steps else f"Budget {args.budget:.0f}s"
    if stacked:
        print(
            f"\nStacked MNIST, {length}; modes reached by "
            f"{args.mode_samples:,} samples (of 1,000), the KL "
            "divergence of their distribution from uniform, and the part of "
            "it that is each channel's digits drawn unevenly (the rest is "
            "dependence between the channels)."
        )
        print("| model | steps | images/s | modes | KL | digits' KL |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, steps, rate, s in stacked:
            print(
                f"| {name} | {steps} | {cell(rate, '.0f')} | "
                f"{s['stacked_mnist_modes']} | {s['stacked_mnist_kl']:.3f} | "
                f"{s['stacked_mnist_digit_kl']:.3f} |"
            )
    if rows:
        print_sample_table(rows, length, args)


if __name__ == "__main__":
    main()
