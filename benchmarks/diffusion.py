"""Diffusion against the DCGAN at equal training time, and sampling steps against quality.

`python benchmarks/diffusion.py --budget 600` trains, in one process, the
"mnist" `kg.Diffusion` and the "mnist" `kg.DCGAN` (the reference) on MNIST
(../shared/datasets/mnist by default) for `--budget` seconds each, scores
`--num-samples` samples of each with `kg.evaluation.evaluate` against the
10,000 test digits (the diffusion model's with `--sampling-steps` DDIM
steps), and prints one table: steps, training images/s, Fréchet distance,
precision, recall, classifier score, and the Fréchet distance's ratio to the
DCGAN's. Then the diffusion model's samples at 10, 25, 50 and 100 steps
(`--table-samples` each): quality against sampling images/s.

`--models dcgan,diffusion,conditional-diffusion` adds the "mnist"
`kg.ConditionalDiffusion` (its label accuracy, without guidance), and then
its samples at each classifier-free guidance scale of `--guidance` (label
accuracy and quality against the scale); `vae` adds the VAE of
`benchmarks/quality.py` (binarised digits, batch 128), `diffusion-binarised`
the "mnist" `kg.Diffusion` trained on the same binarised digits. The table's −ELBO is
each likelihood model's bound on the binarised test digits, in nats
(`heldout_metrics`; the VAE's protocol).
"""

import argparse
import os
import pathlib
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import keras_gen as kg  # noqa: E402

try:  # python -m benchmarks.<script>
    from benchmarks import machine  # noqa: E402
    from benchmarks.quality import Budget  # noqa: E402
except ImportError:  # python benchmarks/<script>.py puts benchmarks/ on the path
    import machine  # noqa: E402
    from quality import Budget  # noqa: E402

SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared/datasets/mnist"
METRICS = ("frechet_distance", "precision", "recall", "classifier_score")


def build(name):
    """The model and the options of its MNIST data (batch size aside)."""
    data = {"labels": False}
    if name == "dcgan":
        model = kg.DCGAN.from_preset("mnist")
    elif name == "vae":  # as benchmarks/quality.py trains it
        model = kg.VAE(image_shape=(28, 28, 1), latent_dim=16)
        data = {"labels": False, "value_range": (0, 1), "binarize": True}
        data["batch_size"] = 128
    elif name == "diffusion":
        model = kg.Diffusion.from_preset("mnist")
    elif name == "diffusion-binarised":  # the VAE's data, for its -ELBO
        model = kg.Diffusion.from_preset("mnist")
        data = {"labels": False, "value_range": (0, 1), "binarize": True}
    else:
        model, data = kg.ConditionalDiffusion.from_preset("mnist"), {"labels": True}
    model.compile()
    return model, data


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--budget", type=float, help="seconds of training per model")
    length.add_argument("--steps", type=int, help="train steps per model instead")
    parser.add_argument("--models", default="dcgan,diffusion")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--num-samples", type=int, default=2000)
    parser.add_argument("--sampling-steps", type=int, default=25)
    parser.add_argument("--table-steps", default="10,25,50,100")
    parser.add_argument("--table-samples", type=int, default=500)
    parser.add_argument(
        "--likelihood-images",
        type=int,
        default=10_000,
        help="binarised test digits the -ELBO is estimated on",
    )
    parser.add_argument(
        "--guidance",
        default="1,2,4",
        help="classifier-free guidance scales of the conditional model's table",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=SHARED if SHARED.is_dir() else None)
    parser.add_argument("--save-samples", metavar="DIR", help="write sample grids here")
    args = parser.parse_args()
    if args.steps is None and args.budget is None:
        args.budget = 600
    print(f"# {machine.describe()}; seed {args.seed}", flush=True)
    evaluator = kg.evaluation.Evaluator(bootstrap_resamples=2)
    test_images, test_labels = kg.evaluation.default_reference_images()
    rows, trained = [], {}
    for name in args.models.split(","):
        keras.utils.set_random_seed(args.seed)
        model, options = build(name)
        batch_size = options.pop("batch_size", args.batch_size)
        data = kg.datasets.mnist(
            batch_size=batch_size, data_dir=args.data_dir, seed=args.seed, **options
        )
        if tuple(model.value_range) != tuple(options.get("value_range", (-1, 1))):
            data = data.map(lambda images: images * 2.0 - 1.0)  # binarised, to [-1, 1]
        budget = Budget(seconds=args.budget, steps=args.steps)
        model.fit(data, epochs=10_000, verbose=0, callbacks=[budget])
        rate = budget.steps * batch_size / budget.elapsed
        print(f"{name}: {budget.steps} steps in {budget.elapsed:.0f}s", flush=True)
        if "diffusion" in name:
            model.sampling_steps = args.sampling_steps
        start = time.perf_counter()
        low, high = model.value_range
        held_out = args.likelihood_images
        scores = kg.evaluation.evaluate(
            model,
            args.num_samples,
            evaluator,
            test_data=(
                low + (high - low) * test_images[:held_out],
                test_labels[:held_out],
            ),
        )
        seconds = time.perf_counter() - start
        rows.append((name, budget.steps, rate, scores, seconds))
        trained[name] = model
        if args.save_samples:
            folder = pathlib.Path(args.save_samples)
            folder.mkdir(parents=True, exist_ok=True)
            grid = kg.visualization.image_grid(
                model.generate(64, seed=0), columns=8, value_range=model.value_range
            )
            kg.visualization.save_image(grid, folder / f"{name}.png", scale="auto")

    length = f"{args.steps} steps" if args.steps else f"{args.budget:.0f} s"
    reference = next((r[3] for r in rows if r[0] == "dcgan"), None)
    print(
        f"\n{length} of training, batch {args.batch_size}; {args.num_samples:,} "
        f"samples ({args.sampling_steps} DDIM steps for diffusion) against the "
        "10,000 test digits"
    )
    print(
        "| model | steps | images/s | Fréchet | precision | recall | "
        "classifier score | label accuracy | −ELBO (nats) | Fréchet / DCGAN's | "
        "scoring s |"
    )
    print("| --- |" + " ---: |" * 10)
    for name, steps, rate, s, seconds in rows:
        ratio = (
            f"{s['frechet_distance'] / reference['frechet_distance']:.2f}"
            if reference
            else ""
        )
        accuracy = f"{s['label_accuracy']:.3f}" if "label_accuracy" in s else ""
        elbo = f"{s['negative_elbo']:.1f}" if "negative_elbo" in s else ""
        print(
            f"| {name} | {steps} | {rate:.0f} | {s['frechet_distance']:.2f} | "
            f"{s['precision']:.3f} | {s['recall']:.3f} | "
            f"{s['classifier_score']:.2f} | {accuracy} | {elbo} | {ratio} | "
            f"{seconds:.0f} |"
        )

    for name, model in trained.items():
        if "diffusion" not in name:
            continue
        print(
            f"\n{name}: sampling steps against quality, {args.table_samples:,} "
            "samples each"
        )
        print("| DDIM steps | sampling images/s | Fréchet | precision | recall |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        for steps in [int(s) for s in args.table_steps.split(",")]:
            model.sampling_steps = steps
            model.generate(8, seed=1)  # warm up
            start = time.perf_counter()
            samples = model.generate(args.table_samples, seed=0)
            rate = args.table_samples / (time.perf_counter() - start)
            s = evaluator.score_images((samples + 1) / 2)
            print(
                f"| {steps} | {rate:.1f} | {s['frechet_distance']:.2f} | "
                f"{s['precision']:.3f} | {s['recall']:.3f} |"
            )
        if name == "conditional-diffusion":
            guidance_table(model, args, evaluator)


def guidance_table(model, args, evaluator):
    """Label accuracy and quality against the classifier-free guidance scale."""
    model.sampling_steps = args.sampling_steps
    labels = np.arange(args.table_samples) % model.num_classes
    print(
        f"\nconditional-diffusion: guidance against label accuracy, "
        f"{args.table_samples:,} samples each, {args.sampling_steps} DDIM steps"
    )
    print(
        "| guidance | sampling images/s | label accuracy | Fréchet | precision | "
        "recall |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for scale in [None] + [float(w) for w in args.guidance.split(",")]:
        start = time.perf_counter()
        samples = model.generate(labels=labels, seed=0, guidance=scale)
        rate = len(labels) / (time.perf_counter() - start)
        s = evaluator.score_images((samples + 1) / 2, labels=labels)
        print(
            f"| {'none' if scale is None else f'{scale:g}'} | {rate:.1f} | "
            f"{s['label_accuracy']:.3f} | {s['frechet_distance']:.2f} | "
            f"{s['precision']:.3f} | {s['recall']:.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
