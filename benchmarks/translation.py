"""Image-to-image translation on MNIST: Pix2Pix against L1 alone, and CycleGAN.

`python benchmarks/translation.py --budget 600` prints two tables.

Paired tasks (`--tasks`, names below; default all of them), made by
`kg.datasets.make_pairs` from the MNIST digits: for each, a naive baseline
(the input itself for super-resolution and denoising; the mean training digit
in the hidden part for inpainting and outpainting), the Pix2Pix U-Net trained
on L1 alone for the budget ("L1 only") and for as many steps as Pix2Pix took
("L1 only, equal steps"), and `kg.Pix2Pix` (adversarial + 100 x L1; with
`--l1-weights 100,10` one row per weight), all of width `--base-filters`. Outputs for the 10,000 test
inputs are scored against their targets (L1 and PSNR on [0, 1]), by the
bundled classifier's accuracy against the digits' labels, and by their
Fréchet distance to the test digits.

| task | input |
| --- | --- |
| `super_resolution` | 7x7 (factor 4), enlarged back |
| `super_resolution_x7` | 4x4 (factor 7), enlarged back |
| `inpainting` | half the digit hidden |
| `inpainting_three_quarters` | three quarters hidden |
| `outpainting` | the centre 14x14 only |
| `denoising` | blurred, with noise |

Unpaired (`--cyclegan`): the MNIST translation task of
`kg.datasets.mnist_unpaired` (domain A: digits; domain B: other digits in
colour, with wider strokes, on a textured background). Rows: real test
digits (the floor), the identity map (B's mean over its channels), a
per-pixel colour mapping fitted to the two domains (each B image's grey
level mapped through the quantiles of B's to A's pixel values), and
`CycleGAN.from_preset("mnist")` trained for the budget. Scores are of B to A
translations of B's 5,000 test images: the bundled classifier's accuracy
against the source digits' labels, and the Fréchet distance to A's 5,000
test digits; and the cycle L1 of each direction.

`--steps N` trains for that many steps instead of `--budget` seconds;
`--save-samples DIR` writes grids of test outputs.
"""

import argparse
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gen as kg  # noqa: E402

try:  # python -m benchmarks.<script>
    from benchmarks import machine  # noqa: E402
    from benchmarks.quality import SHARED, Budget  # noqa: E402
except ImportError:  # python benchmarks/<script>.py puts benchmarks/ on the path
    import machine  # noqa: E402
    from quality import SHARED, Budget  # noqa: E402

#: Task name -> `(make_pairs task, its options)`.
TASKS = {
    "super_resolution": ("super_resolution", {}),
    "super_resolution_x7": ("super_resolution", {"factor": 7}),
    "inpainting": ("inpainting", {}),
    "inpainting_three_quarters": ("inpainting", {"hidden_fraction": 0.75}),
    "outpainting": ("outpainting", {}),
    "denoising": ("denoising", {}),
}
PAIRED_BATCH_SIZE = 64
UNPAIRED_BATCH_SIZE = 16


def l1_only_unet(base_filters):
    """The Pix2Pix U-Net as a plain Keras model trained on L1 alone."""
    unet = kg.networks.unet_generator((28, 28, 1), base_filters=base_filters)
    unet.compile(optimizer=kg.models.optimizers.default_optimizer(), loss="mae")
    return unet


def naive_outputs(task, inputs, train_targets):
    """The baseline without learning: the input itself, or for inpainting and
    outpainting the mean training digit in the hidden (mid-grey) part."""
    if task in ("super_resolution", "denoising"):
        return inputs
    # make_pairs fills the hidden part with mid-grey, 0.0 in [-1, 1], a value
    # no MNIST pixel (k / 127.5 - 1 for whole k) takes.
    return np.where(inputs == 0.0, train_targets.mean(axis=0), inputs)


def train(model, data, args, steps=None):
    """Fits `model` for the budget (or `steps`); returns the `Budget`."""
    if steps is not None:
        budget = Budget(steps=steps)
    else:
        budget = Budget(seconds=args.budget, steps=args.steps)
    model.fit(data, epochs=10_000, verbose=0, callbacks=[budget])
    return budget


def paired_rows(name, args, evaluator):
    """`[(method, steps, images/s, scores)]` of one paired task."""
    task, options = TASKS[name]
    train_inputs, train_targets, _ = kg.datasets.mnist_pair_arrays(
        task, "train", args.data_dir, **options
    )
    test_inputs, test_targets, test_labels = kg.datasets.mnist_pair_arrays(
        task, "test", args.data_dir, **options
    )

    def scores(outputs):
        outputs01, targets01 = (outputs + 1) / 2, (test_targets + 1) / 2
        result = evaluator.score_images(
            np.clip(outputs01, 0, 1), test_labels, detail=False
        )
        result["l1"] = kg.evaluation.mean_absolute_error(outputs01, targets01)
        result["psnr"] = kg.evaluation.peak_signal_to_noise_ratio(outputs01, targets01)
        return result

    naive = naive_outputs(task, test_inputs, train_targets)
    rows = [("naive", "", "", scores(naive))]
    data = kg.datasets.paired_from_numpy(
        train_inputs,
        train_targets,
        batch_size=PAIRED_BATCH_SIZE,
        input_range=(-1, 1),
        seed=args.seed,
    )
    pix2pix_steps = None
    methods = [f"pix2pix, L1 weight {w:g}" for w in args.l1_weights]
    for method in ["L1 only"] + methods + ["L1 only, equal steps"]:
        keras.utils.set_random_seed(args.seed)
        if method.startswith("pix2pix"):
            weight = float(method.rsplit(" ", 1)[1])
            model = kg.Pix2Pix(
                image_shape=(28, 28, 1), l1_weight=weight, seed=args.seed
            )
            model.compile()
            budget = train(model, data, args)
            pix2pix_steps = pix2pix_steps or budget.steps
            outputs = model.translate(test_inputs)
        else:
            if method.endswith("equal steps") and pix2pix_steps is None:
                continue
            model = l1_only_unet(args.base_filters)
            steps = pix2pix_steps if method.endswith("equal steps") else None
            budget = train(model, data, args, steps)
            outputs = model.predict(test_inputs, batch_size=500, verbose=0)
        rate = budget.steps * PAIRED_BATCH_SIZE / budget.elapsed
        rows.append((method, budget.steps, rate, scores(outputs)))
        print(
            f"{name} {method}: {budget.steps} steps in {budget.elapsed:.0f}s",
            flush=True,
        )
        if args.save_samples:
            grid = np.concatenate([test_inputs[:8], outputs[:8], test_targets[:8]])
            slug = method.replace(" ", "-").replace(",", "")
            kg.visualization.save_image(
                kg.visualization.image_grid(grid, 8),
                pathlib.Path(args.save_samples) / f"{name}-{slug}.png",
                scale=2,
            )
    return rows


def print_paired_table(tables, length):
    print(
        f"\nPaired translation, {length} per trained model; outputs for the "
        "10,000 MNIST test inputs."
    )
    print(
        "| task | method | steps | images/s | L1 | PSNR (dB) | label accuracy | "
        "Fréchet distance | classifier score |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for task, rows in tables.items():
        for name, steps, rate, s in rows:
            rate = format(rate, ".0f") if rate != "" else "-"
            print(
                f"| {task} | {name} | {steps or '-'} | {rate} | {s['l1']:.4f} | "
                f"{s['psnr']:.2f} | {s['label_accuracy']:.4f} | "
                f"{s['frechet_distance']:.2f} | {s['classifier_score']:.2f} |"
            )


def grey(images_b):
    """Domain B's images as one channel: the mean of their channels."""
    return images_b.mean(axis=-1, keepdims=True)


def colour_mapping(train_b, train_a):
    """A per-pixel map fitted without pairs: B's grey levels to A's pixel
    values through the two domains' quantiles (histogram matching)."""
    levels = np.linspace(0, 1, 257)
    source = np.quantile(grey(train_b), levels)
    target = np.quantile(train_a, levels)

    def apply(images_b):
        return np.interp(grey(images_b), source, target).astype("float32")

    return apply


def unpaired_rows(args):
    """`[(method, steps, images/s, scores)]` of the MNIST translation task."""
    train_a, _, train_b, _ = kg.datasets.mnist_unpaired_arrays("train", args.data_dir)
    test_a, _, test_b, labels_b = kg.datasets.mnist_unpaired_arrays(
        "test", args.data_dir
    )
    test_a01, test_b01 = test_a / 255.0, test_b / 255.0
    evaluator = kg.evaluation.Evaluator(reference_images=test_a01.astype("float32"))

    def scores(outputs01):
        result = evaluator.score_images(
            np.clip(outputs01, 0, 1).astype("float32"), labels_b, detail=False
        )
        return {
            "label_accuracy": result["label_accuracy"],
            "frechet_distance": result["frechet_distance"],
        }

    from keras_gen.datasets.mnist_sources import load_arrays

    digits, _, _ = load_arrays("test", args.data_dir)
    real = digits[1::2, ..., None] / 255.0
    rows = [
        ("real digits (B's sources)", "", "", scores(real)),
        ("identity map (grey)", "", "", scores(grey(test_b01))),
        (
            "per-pixel colour mapping",
            "",
            "",
            scores(colour_mapping(train_b / 255.0, train_a / 255.0)(test_b01)),
        ),
    ]
    keras.utils.set_random_seed(args.seed)
    model = kg.CycleGAN.from_preset("mnist", seed=args.seed)
    model.compile()
    data = kg.datasets.unpaired_from_numpy(
        train_a, train_b, batch_size=UNPAIRED_BATCH_SIZE, seed=args.seed
    )
    budget = train(model, data, args)
    print(f"cyclegan: {budget.steps} steps in {budget.elapsed:.0f}s", flush=True)
    held_out = (test_a / 127.5 - 1.0, test_b / 127.5 - 1.0)
    figures = model.heldout_metrics(held_out, labels_b=labels_b)
    result = {
        "label_accuracy": figures["label_accuracy_b_to_a"],
        "frechet_distance": figures["frechet_distance_b_to_a"],
        "cycle_l1_a": figures["cycle_l1_a"],
        "cycle_l1_b": figures["cycle_l1_b"],
    }
    rate = budget.steps * UNPAIRED_BATCH_SIZE / budget.elapsed
    rows.append(('CycleGAN.from_preset("mnist")', budget.steps, rate, result))
    if args.save_samples:
        examples = {
            "example_condition": held_out[0][:8],
            "example_images": held_out[1][:8],
        }
        images, columns = model.grid_images(examples)
        kg.visualization.save_image(
            kg.visualization.image_grid(images, columns),
            pathlib.Path(args.save_samples) / "cyclegan.png",
            scale=2,
        )
    return rows


def print_unpaired_table(rows, length):
    print(
        f"\nUnpaired translation (the MNIST task), {length}; B to A "
        "translations of B's 5,000 test images."
    )
    print(
        "| method | steps | images/s | label accuracy | Fréchet distance | "
        "cycle L1 (A) | cycle L1 (B) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, steps, rate, s in rows:
        rate = format(rate, ".0f") if rate != "" else "-"
        cycles = [
            format(s[k], ".4f") if k in s else "-" for k in ("cycle_l1_a", "cycle_l1_b")
        ]
        print(
            f"| {name} | {steps or '-'} | {rate} | {s['label_accuracy']:.4f} | "
            f"{s['frechet_distance']:.2f} | {cycles[0]} | {cycles[1]} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    length = parser.add_mutually_exclusive_group()
    length.add_argument(
        "--budget", type=float, help="seconds of training per model (default 600)"
    )
    length.add_argument("--steps", type=int, help="train steps per model instead")
    parser.add_argument(
        "--tasks",
        default=",".join(TASKS),
        help="comma-separated paired tasks; 'none' for none",
    )
    parser.add_argument(
        "--l1-weights",
        type=lambda text: [float(w) for w in text.split(",")],
        default=[100.0],
        help="Pix2Pix L1 weights, one row each (default 100, the paper's)",
    )
    parser.add_argument(
        "--base-filters",
        type=int,
        default=64,
        help="width of the paired tasks' U-Net (both methods) and PatchGAN "
        "(default 64, the paper's)",
    )
    parser.add_argument("--cyclegan", action="store_true", help="the unpaired table")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=SHARED if SHARED.is_dir() else None)
    parser.add_argument("--save-samples", metavar="DIR", help="write output grids here")
    args = parser.parse_args()
    if args.steps is None and args.budget is None:
        args.budget = 600
    tasks = [] if args.tasks == "none" else args.tasks.split(",")
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown:
        parser.error(f"unknown tasks {unknown}; choose from {', '.join(TASKS)}")
    print(f"# {machine.describe()}; seed {args.seed}", flush=True)
    length = f"{args.steps} steps" if args.steps else f"budget {args.budget:.0f}s"
    unpaired = unpaired_rows(args) if args.cyclegan else None
    tables = {}
    if tasks:
        evaluator = kg.evaluation.Evaluator()
        for name in tasks:
            tables[name] = paired_rows(name, args, evaluator)
    if unpaired:
        print_unpaired_table(unpaired, length)
    if tables:
        print_paired_table(tables, length)


if __name__ == "__main__":
    main()
