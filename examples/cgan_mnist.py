"""Conditional GAN on MNIST: `python examples/cgan_mnist.py --epochs 20 --out runs/cgan`.

`kg.CGAN` draws the digit you ask for. The grid written to `samples/` after
each epoch has one row per class, 0 to 9.
"""

import example_utils

import keras_gen as kg


def main(argv=None):
    parser = example_utils.make_parser(
        __doc__, epochs=20, batch_size=128, out="runs/cgan"
    )
    parser.add_argument("--base-filters", type=int, default=64)
    args = parser.parse_args(argv)

    cgan = kg.CGAN(
        num_classes=10,
        image_shape=(28, 28, 1),
        latent_dim=100,
        base_filters=args.base_filters,
        seed=0,
    )
    cgan.compile()  # label smoothing 0.1, the CGAN's default
    history = cgan.fit(
        kg.datasets.mnist(
            batch_size=args.batch_size, labels=True, data_dir=args.data_dir, seed=0
        ),
        epochs=args.epochs,
        callbacks=[
            kg.callbacks.ImageGrid(args.out / "samples", num_images=100),
            kg.callbacks.Checkpoint(args.out / "checkpoints", every=5),
        ],
    )
    kg.plot_history(history, args.out / "history.png")
    cgan.save(args.out / "cgan.keras")
    digits = cgan.generate(labels=[3, 1, 4, 1, 5, 9, 2, 6], seed=0)
    kg.visualization.save_image(
        kg.visualization.image_grid(digits, columns=8), args.out / "31415926.png"
    )


if __name__ == "__main__":
    main()
