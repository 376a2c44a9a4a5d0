"""VAE on MNIST: `python examples/vae_mnist.py --epochs 30 --out runs/vae`.

A Bernoulli VAE with a convolutional encoder and decoder, Adam 1e-3, trained on
dynamically binarised MNIST (each pixel drawn as 0 or 1 with its intensity as the
probability, afresh every epoch), the data its likelihood is reported on. `samples/` gets, per epoch, a row of test digits above their
reconstructions and samples from the prior; with `--latent-dim 2` the run also
writes the classic manifold plot, `manifold.png`.
"""

import example_utils
import keras
import numpy as np

import keras_gen as kg


def main(argv=None):
    parser = example_utils.make_parser(
        __doc__, epochs=30, batch_size=128, out="runs/vae"
    )
    parser.add_argument("--latent-dim", type=int, default=16)
    args = parser.parse_args(argv)

    train = kg.datasets.mnist(
        batch_size=args.batch_size,
        value_range=(0, 1),
        binarize=True,
        data_dir=args.data_dir,
        seed=0,
    )
    test_digits = kg.datasets.mnist(
        batch_size=64,
        value_range=(0, 1),
        split="test",
        data_dir=args.data_dir,
        shuffle=False,
        drop_remainder=False,
    )
    test_digits = next(iter(test_digits)).numpy()
    vae = kg.VAE(image_shape=(28, 28, 1), latent_dim=args.latent_dim, seed=0)
    vae.compile()
    history = vae.fit(
        train,
        epochs=args.epochs,
        callbacks=[kg.callbacks.ImageGrid(args.out / "samples", examples=test_digits)],
    )
    kg.plot_history(history, args.out / "history.png")
    if args.latent_dim == 2:
        # Normal quantiles of evenly spaced probabilities: ppf(p) = sqrt(2) erfinv(2p - 1).
        probabilities = np.linspace(0.05, 0.95, 15)
        grid_z = np.sqrt(2) * keras.ops.convert_to_numpy(
            keras.ops.erfinv(2 * probabilities - 1)
        )
        z = np.stack(np.meshgrid(grid_z, grid_z[::-1]), -1).reshape(-1, 2)
        manifold = kg.visualization.image_grid(
            vae.decode(z), columns=15, value_range=(0, 1)
        )
        kg.visualization.save_image(manifold, args.out / "manifold.png")
    vae.save(args.out / "vae.keras")


if __name__ == "__main__":
    main()
