"""DCGAN on MNIST at 28x28: `python examples/dcgan_mnist.py --epochs 20 --out runs/dcgan`.

`kg.DCGAN` with the paper's settings (Adam 2e-4, beta_1 0.5, non-saturating
loss) and one-sided label smoothing 0.1 (real label 0.9). A grid of 64 samples
from fixed noise is written after every epoch; the model is saved at the end.
"""

import time

import example_utils
import keras

import keras_gen as kg


def main(argv=None):
    parser = example_utils.make_parser(
        __doc__, epochs=20, batch_size=128, out="runs/dcgan"
    )
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--base-filters", type=int, default=64)
    args = parser.parse_args(argv)

    dataset = kg.datasets.mnist(batch_size=args.batch_size, data_dir=args.data, seed=0)

    dcgan = kg.DCGAN(
        image_shape=(28, 28, 1),
        latent_dim=args.latent_dim,
        base_filters=args.base_filters,
        seed=0,
    )
    dcgan.compile(label_smoothing=0.1)

    fixed_noise = keras.random.normal((64, args.latent_dim), seed=1234)
    grid = example_utils.GridEachEpoch(
        lambda: dcgan.generate(noise=fixed_noise), args.out
    )
    start = time.time()
    dcgan.fit(
        dataset,
        epochs=args.epochs,
        callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=grid)],
    )
    print(f"Trained {args.epochs} epochs in {time.time() - start:.0f}s")
    dcgan.save(args.out / "dcgan.keras")
    print(f"Saved {args.out / 'dcgan.keras'}")


if __name__ == "__main__":
    main()
