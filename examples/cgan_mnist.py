"""Conditional GAN on MNIST: `python examples/cgan_mnist.py --epochs 20 --out runs/cgan`.

`kg.CGAN` draws the digit you ask for. The grid written after each epoch has
one row per class, 0 to 9.
"""

import example_utils
import keras
import numpy as np

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
    cgan.compile(label_smoothing=0.1)

    rows = np.repeat(np.arange(10), 10)
    fixed_noise = keras.random.normal((100, 100), seed=1234)
    grid = example_utils.GridEachEpoch(
        lambda: cgan.generate(labels=rows, noise=fixed_noise), args.out, columns=10
    )
    cgan.fit(
        kg.datasets.mnist(
            batch_size=args.batch_size, labels=True, data_dir=args.data, seed=0
        ),
        epochs=args.epochs,
        callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=grid)],
    )
    cgan.save(args.out / "cgan.keras")


if __name__ == "__main__":
    main()
