"""Pix2Pix super-resolution on MNIST: `python examples/pix2pix_super_resolution.py --epochs 10`.

Each input is a digit shrunk to 7x7 and enlarged back to 28x28 (bicubic): the
U-Net restores the detail, the PatchGAN keeps the strokes sharp. The grid
written to `samples/` after each epoch shows inputs, outputs and targets in
rows of three. At the end the outputs for the 10,000 test inputs are scored
against their targets and by the bundled classifier.
"""

import example_utils

import keras_gen as kg


def main(argv=None):
    parser = example_utils.make_parser(
        __doc__, epochs=10, batch_size=64, out="runs/pix2pix_sr"
    )
    parser.add_argument("--base-filters", type=int, default=64)
    parser.add_argument("--eval-samples", type=int, default=10_000)
    args = parser.parse_args(argv)

    pix2pix = kg.Pix2Pix(
        image_shape=(28, 28, 1), base_filters=args.base_filters, seed=0
    )
    pix2pix.compile()  # Adam(2e-4, beta_1=0.5) for both, L1 weight 100
    pairs = kg.datasets.mnist_pairs(
        "super_resolution", batch_size=args.batch_size, data_dir=args.data_dir, seed=0
    )
    history = pix2pix.fit(
        pairs,
        epochs=args.epochs,
        callbacks=[
            kg.callbacks.ImageGrid(args.out / "samples", num_images=32),
            kg.callbacks.Checkpoint(args.out / "checkpoints", every=5),
        ],
    )
    kg.plot_history(history, args.out / "history.png")
    pix2pix.save(args.out / "pix2pix.keras")

    inputs, targets, labels = kg.datasets.mnist_pair_arrays(
        "super_resolution", "test", args.data_dir
    )
    scores = kg.evaluation.evaluate(
        pix2pix,
        num_samples=min(args.eval_samples, len(inputs)),
        test_data=(inputs, targets),
        test_labels=labels,
    )
    print(
        f"Test pairs: L1 {scores['l1']:.4f}, PSNR {scores['psnr']:.2f} dB, "
        f"digits recognised {scores['label_accuracy']:.3f}, Fréchet distance "
        f"{scores['frechet_distance']:.2f}"
    )


if __name__ == "__main__":
    main()
