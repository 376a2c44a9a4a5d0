"""The classic fully connected GAN on MNIST: `python examples/gan_mnist.py --out runs/gan`.

The recipe of the classic PyTorch script: latent 64, two hidden layers of 256
(ReLU in G, LeakyReLU 0.2 in D), tanh output, Adam 2e-4 for both networks,
binary cross-entropy with the non-saturating generator loss, batch 100,
samples saved every epoch.
"""

import example_utils
import keras

import keras_gen as kg

LATENT_DIM = 64


def main(argv=None):
    parser = example_utils.make_parser(
        __doc__, epochs=50, batch_size=100, out="runs/gan"
    )
    args = parser.parse_args(argv)

    gan = kg.GAN(
        generator=kg.networks.mlp_generator(LATENT_DIM, (28, 28, 1), (256, 256)),
        discriminator=kg.networks.mlp_discriminator((28, 28, 1), (256, 256)),
        latent_dim=LATENT_DIM,
        seed=0,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4),
        g_optimizer=keras.optimizers.Adam(2e-4),
        loss="non_saturating",
    )
    history = gan.fit(
        kg.datasets.mnist(batch_size=args.batch_size, data_dir=args.data_dir, seed=0),
        epochs=args.epochs,
        callbacks=[kg.callbacks.ImageGrid(args.out / "samples")],
    )
    kg.plot_history(history, args.out / "history.png")
    gan.save(args.out / "gan.keras")


if __name__ == "__main__":
    main()
