"""The DCGAN paper's 64x64 network on upsampled MNIST: `python examples/dcgan64_mnist.py`.

The classic configuration: MNIST resized to 64x64 in [-1, 1], batch 128, latent
100; generator ConvTranspose 512-256-128-64 with batch norm and ReLU, tanh
output; discriminator Conv 64-128-256-512 with LeakyReLU(0.2) and batch norm;
weights N(0, 0.02); Adam 2e-4, beta_1 0.5, for both networks; non-saturating
loss with one-sided label smoothing (real label 0.9); 50 epochs; a grid of 64
samples from fixed noise after every epoch; checkpoints every 5 epochs.

On 2 CPU cores an epoch takes hours: run it on a GPU, or pass --base-filters 16
for a narrower network.
"""

import example_utils
import keras

import keras_gen as kg


def main(argv=None):
    parser = example_utils.make_parser(
        __doc__, epochs=50, batch_size=128, out="runs/dcgan64"
    )
    parser.add_argument("--base-filters", type=int, default=64)
    args = parser.parse_args(argv)

    dataset = kg.datasets.mnist(
        batch_size=args.batch_size, data_dir=args.data_dir, image_size=(64, 64), seed=0
    )
    # The paper's recipe, not keras_gen's defaults: no R1 penalty, no average
    # of the generator's weights, the paper's learning rates.
    dcgan = kg.DCGAN(
        image_shape=(64, 64, 1),
        latent_dim=100,
        base_filters=args.base_filters,
        ema=None,
        seed=0,
    )
    dcgan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        loss="non_saturating",
        label_smoothing=0.1,
        r1_penalty=0.0,
    )
    dcgan.fit(
        dataset,
        epochs=args.epochs,
        callbacks=[
            kg.callbacks.ImageGrid(args.out / "samples", num_images=64),
            kg.callbacks.Checkpoint(args.out / "checkpoints", every=5),
        ],
    )
    dcgan.save(args.out / "dcgan64.keras")


if __name__ == "__main__":
    main()
