"""DCGAN on MNIST at 28x28: `python examples/dcgan_mnist.py --epochs 20 --out runs/dcgan`.

`kg.DCGAN.from_preset("mnist")`, the settings that scored best in
`benchmarks/quality.py` (docs/benchmarks.md): the non-saturating loss, Adam with
beta_1 0.5 at 4e-4 for the discriminator and 1e-3 for the generator, one-sided
label smoothing 0.1 (real label 0.9), the R1 penalty (gamma 0.3) estimated on
16 real images per step, an EMA of the generator's weights (0.999) for
sampling, and 16 noise dimensions.
In the run folder:
`samples/` gets a grid of 64 samples from fixed noise per epoch (and a GIF),
`checkpoints/` the full training state every 5 epochs, so running the same
command again resumes; `history.png` the loss curves and `dcgan.keras` the
model.
"""

import time

import example_utils

import keras_gen as kg


def main(argv=None):
    parser = example_utils.make_parser(
        __doc__, epochs=20, batch_size=128, out="runs/dcgan"
    )
    parser.add_argument("--latent-dim", type=int, default=16)
    parser.add_argument("--base-filters", type=int, default=64)
    args = parser.parse_args(argv)

    dataset = kg.datasets.mnist(
        batch_size=args.batch_size, data_dir=args.data_dir, seed=0
    )
    dcgan = kg.DCGAN.from_preset(
        "mnist",
        latent_dim=args.latent_dim,
        base_filters=args.base_filters,
        seed=0,
    )
    dcgan.compile()

    start = time.time()
    history = dcgan.fit(
        dataset,
        epochs=args.epochs,
        callbacks=[
            kg.callbacks.ImageGrid(args.out / "samples", num_images=64),
            kg.callbacks.Checkpoint(args.out / "checkpoints", every=5),
            kg.callbacks.TrainingMonitor(),
        ],
    )
    print(f"Trained {len(history.epoch)} epochs in {time.time() - start:.0f}s")
    kg.plot_history(history, args.out / "history.png")
    dcgan.save(args.out / "dcgan.keras")


if __name__ == "__main__":
    main()
