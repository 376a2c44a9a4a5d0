"""VAE on MNIST: `python examples/vae_mnist.py --epochs 30 --out runs/vae`.

A Bernoulli VAE (data in [0, 1]) with a convolutional encoder and decoder,
Adam 1e-3. Writes, per epoch, originals above their reconstructions and a grid
of samples from the prior; with `--latent-dim 2` also the classic manifold plot.
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

    dataset = kg.datasets.mnist(
        batch_size=args.batch_size, value_range=(0, 1), data_dir=args.data, seed=0
    )
    vae = kg.VAE(image_shape=(28, 28, 1), latent_dim=args.latent_dim, seed=0)
    vae.compile()

    originals = next(iter(dataset)).numpy()[:10]
    fixed_z = keras.random.normal((50, args.latent_dim), seed=1234)

    def sample():
        return np.concatenate(
            [originals, vae.reconstruct(originals), vae.decode(fixed_z)]
        )

    grid = example_utils.GridEachEpoch(sample, args.out, value_range=(0, 1), columns=10)
    vae.fit(
        dataset,
        epochs=args.epochs,
        callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=grid)],
    )
    if args.latent_dim == 2:
        # Normal quantiles of evenly spaced probabilities: ppf(p) = sqrt(2) erfinv(2p - 1).
        probabilities = np.linspace(0.05, 0.95, 15)
        grid_z = np.sqrt(2) * keras.ops.convert_to_numpy(
            keras.ops.erfinv(2 * probabilities - 1)
        )
        z = np.stack(np.meshgrid(grid_z, grid_z[::-1]), -1).reshape(-1, 2)
        example_utils.save_grid(
            vae.decode(z), args.out / "manifold.png", (0, 1), columns=15
        )
    vae.save(args.out / "vae.keras")


if __name__ == "__main__":
    main()
