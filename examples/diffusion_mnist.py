"""Class-conditional diffusion on MNIST: `python examples/diffusion_mnist.py --epochs 20 --out runs/diffusion`.

`kg.ConditionalDiffusion` learns to denoise digits of a given class, and with
10% of the labels dropped also without one, so that sampling can use
classifier-free guidance. The grid written to `samples/` after each epoch has
one row per class, 0 to 9 (DDIM with the model's `sampling_steps`); at the end
the run writes the same noise sampled in 10, 25 and 50 steps and with guidance
3, to see what the sampling knobs do.
"""

import example_utils
import numpy as np

import keras_gen as kg


def main(argv=None):
    parser = example_utils.make_parser(
        __doc__, epochs=20, batch_size=64, out="runs/diffusion"
    )
    parser.add_argument("--base-filters", type=int, default=16)
    parser.add_argument("--sampling-steps", type=int, default=25)
    args = parser.parse_args(argv)

    model = kg.ConditionalDiffusion(
        num_classes=10,
        image_shape=(28, 28, 1),
        base_filters=args.base_filters,
        sampling_steps=args.sampling_steps,
        seed=0,
    )
    model.compile()
    history = model.fit(
        kg.datasets.mnist(
            batch_size=args.batch_size, labels=True, data_dir=args.data_dir, seed=0
        ),
        epochs=args.epochs,
        callbacks=[
            kg.callbacks.ImageGrid(args.out / "samples", num_images=50),
            kg.callbacks.Checkpoint(args.out / "checkpoints", every=5),
        ],
    )
    kg.plot_history(history, args.out / "history.png")
    model.save(args.out / "diffusion.keras")
    labels = list(range(10))
    rows = [
        model.generate(labels=labels, seed=0, steps=steps) for steps in (10, 25, 50)
    ]
    rows.append(model.generate(labels=labels, seed=0, guidance=3.0))
    grid = kg.visualization.image_grid(np.concatenate(rows), columns=10)
    kg.visualization.save_image(grid, args.out / "steps_and_guidance.png", scale="auto")
    return history


if __name__ == "__main__":
    main()
