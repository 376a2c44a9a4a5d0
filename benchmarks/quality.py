"""Sample quality of each default model after a fixed training time.

`python benchmarks/quality.py --budget 600` trains the classic MLP GAN, the
DCGAN (its "mnist" preset, and the paper's settings), CGAN and VAE on MNIST (../shared/datasets/mnist by default) for `--budget`
seconds of wall-clock time each, then scores 10,000 samples against the
official MNIST test split with the bundled classifier and prints one table:
model, steps, images/s, Fréchet distance, classifier score, class coverage,
label accuracy (CGAN) and -ELBO in nats (VAE, binarised test images). The
first row scores real training digits the same way: the numbers to aim at.

`--steps 5600` trains each model for that many steps instead: on a shared
machine whose speed changes from hour to hour, a fixed number of steps gives
scores that compare across runs, where a time budget gives the quality a user
gets in that time on that machine. `--save-samples DIR` also writes a grid of 64
samples of each model (`generate(seed=0)`; the CGAN's in class order) to
`DIR/<model>.png`, to see what the scores mean.
"""

import argparse
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

    def cgan():
        model = kg.CGAN(num_classes=10, image_shape=(28, 28, 1))
        model.compile()
        return model, dict(batch_size=128, labels=True)

    def vae():
        model = kg.VAE(image_shape=(28, 28, 1), latent_dim=16)
        model.compile()
        # Trained on dynamically binarised digits, the data -ELBO is reported on.
        return model, dict(batch_size=128, value_range=(0, 1), binarize=True)

    return {
        "gan": gan,
        "dcgan": dcgan,
        "dcgan-paper": dcgan_paper,
        "cgan": cgan,
        "vae": vae,
    }


def save_sample_grid(model, path, count=64):
    """Writes `count` samples of `model` as an 8-column grid, each pixel doubled."""
    samples = model.generate(count, seed=0)  # a CGAN's: every class in turn
    grid = kg.visualization.image_grid(
        samples, columns=8, value_range=model.value_range
    )
    return kg.visualization.save_image(grid.repeat(2, axis=0).repeat(2, axis=1), path)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    length = parser.add_mutually_exclusive_group()
    length.add_argument(
        "--budget", type=float, help="seconds of training per model (default 600)"
    )
    length.add_argument("--steps", type=int, help="train steps per model instead")
    parser.add_argument("--models", default=",".join(models()))
    parser.add_argument("--num-samples", type=int, default=10_000)
    parser.add_argument("--data-dir", default=SHARED if SHARED.is_dir() else None)
    parser.add_argument("--save-samples", metavar="DIR", help="write sample grids here")
    args = parser.parse_args()
    if args.steps is None and args.budget is None:
        args.budget = 600

    print(f"# {machine.describe()}", flush=True)
    test_images, _ = default_reference_images()
    evaluator = kg.evaluation.Evaluator(reference_images=test_images)
    train = next(
        iter(
            kg.datasets.mnist(
                batch_size=args.num_samples,
                labels=True,
                value_range=(0, 1),
                data_dir=args.data_dir,
                seed=1,
            )
        )
    )
    rows = [
        (
            "real train digits",
            "",
            "",
            evaluator.score_images(train[0].numpy(), train[1].numpy()),
        )
    ]
    rows[0][3]["negative_elbo"] = None

    for name in args.models.split(","):
        keras.utils.set_random_seed(0)
        model, options = models()[name]()
        batch_size = options.pop("batch_size")
        data = kg.datasets.mnist(
            batch_size=batch_size, data_dir=args.data_dir, seed=0, **options
        )
        budget = Budget(seconds=args.budget, steps=args.steps)
        model.fit(data, epochs=10_000, verbose=0, callbacks=[budget])
        scores = kg.evaluation.evaluate(
            model, args.num_samples, evaluator, test_images=test_images
        )
        rows.append(
            (name, budget.steps, budget.steps * batch_size / budget.elapsed, scores)
        )
        print(f"{name}: {budget.steps} steps in {budget.elapsed:.0f}s", flush=True)
        if args.save_samples:
            save_sample_grid(model, pathlib.Path(args.save_samples) / f"{name}.png")

    def cell(value, fmt):
        return format(value, fmt) if isinstance(value, (int, float)) else "-"

    length = f"{args.steps} steps" if args.steps else f"Budget {args.budget:.0f}s"
    print(
        f"\n{length} per model; {args.num_samples} samples scored against the "
        "10,000 MNIST test digits."
    )
    print(
        "| model | steps | images/s | Fréchet distance | classifier score | coverage | label accuracy | -ELBO (nats) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, steps, rate, scores in rows:
        print(
            f"| {name} | {steps} | {cell(rate, '.0f')} | {scores['frechet_distance']:.2f} | "
            f"{scores['classifier_score']:.2f} | {scores['class_coverage']:.2f} | "
            f"{cell(scores.get('label_accuracy'), '.3f')} | {cell(scores.get('negative_elbo'), '.1f')} |"
        )


if __name__ == "__main__":
    main()
