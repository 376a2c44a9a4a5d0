"""Conditional VAE on MNIST: `python examples/cvae_mnist.py --epochs 30 --out runs/cvae`.

`kg.CVAE` is the Bernoulli VAE with the digit's label given to the encoder (as
extra channels) and to the decoder (appended to z), trained on dynamically
binarised MNIST with its labels. `samples/` gets, per epoch, a row of training
digits above their reconstructions, then one row of samples per digit. At the
end the run writes `sevens.png`, 16 samples of the digit 7, and prints the
−ELBO in nats of 1,000 test digits and the label accuracy of its samples.
"""

import example_utils

import keras_gen as kg


def main(argv=None):
    parser = example_utils.make_parser(
        __doc__, epochs=30, batch_size=128, out="runs/cvae"
    )
    parser.add_argument("--latent-dim", type=int, default=16)
    args = parser.parse_args(argv)

    train = kg.datasets.mnist(
        batch_size=args.batch_size,
        value_range=(0, 1),
        binarize=True,
        labels=True,
        data_dir=args.data_dir,
        seed=0,
    )
    cvae = kg.CVAE(num_classes=10, latent_dim=args.latent_dim, seed=0)
    cvae.compile()
    history = cvae.fit(
        train,
        epochs=args.epochs,
        callbacks=[kg.callbacks.ImageGrid(args.out / "samples", num_images=100)],
    )
    kg.plot_history(history, args.out / "history.png")
    sevens = cvae.generate(labels=[7] * 16, seed=0)
    kg.visualization.save_image(
        kg.visualization.image_grid(sevens, 4, cvae.value_range),
        args.out / "sevens.png",
    )
    test_images, test_labels = next(
        iter(
            kg.datasets.mnist(
                batch_size=1000,
                value_range=(0, 1),
                labels=True,
                split="test",
                data_dir=args.data_dir,
                shuffle=False,
                drop_remainder=False,
            )
        )
    )
    scores = kg.evaluation.evaluate(
        cvae,
        num_samples=1000,
        test_data=(test_images.numpy(), test_labels.numpy()),
    )
    print(
        f"On 1,000 test digits: -ELBO {scores['negative_elbo']:.2f} nats; "
        f"label accuracy of 1,000 samples {scores['label_accuracy']:.3f}"
    )
    cvae.save(args.out / "cvae.keras")


if __name__ == "__main__":
    main()
