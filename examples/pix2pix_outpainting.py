"""Pix2Pix outpainting on MNIST: `python examples/pix2pix_outpainting.py --epochs 10`.

Each input is the centre of a digit (14x14 of 28x28, the outer ring mid-grey);
the model draws the rest of the digit past the centre's borders. The grid
written to `samples/` after each epoch shows inputs, outputs and targets in
rows of three. At the end the outputs for the 10,000 test inputs are scored
against their targets and by the bundled classifier. `--task denoising` or
`--task super_resolution --factor 7` train the other enhancement tasks.
"""

import example_utils

import keras_gen as kg


def main(argv=None):
    parser = example_utils.make_parser(
        __doc__, epochs=10, batch_size=64, out="runs/pix2pix_outpainting"
    )
    parser.add_argument("--task", default="outpainting", choices=kg.datasets.TASKS)
    parser.add_argument("--factor", type=int, default=4, help="super-resolution's")
    parser.add_argument("--base-filters", type=int, default=64)
    parser.add_argument("--eval-samples", type=int, default=10_000)
    args = parser.parse_args(argv)
    options = {"factor": args.factor} if args.task == "super_resolution" else {}

    pix2pix = kg.Pix2Pix(
        image_shape=(28, 28, 1), base_filters=args.base_filters, seed=0
    )
    pix2pix.compile()
    pairs = kg.datasets.mnist_pairs(
        args.task, batch_size=args.batch_size, data_dir=args.data_dir, seed=0, **options
    )
    history = pix2pix.fit(
        pairs,
        epochs=args.epochs,
        callbacks=[kg.callbacks.ImageGrid(args.out / "samples", num_images=32)],
    )
    kg.plot_history(history, args.out / "history.png")
    pix2pix.save(args.out / "pix2pix.keras")

    inputs, targets, labels = kg.datasets.mnist_pair_arrays(
        args.task, "test", args.data_dir, **options
    )
    count = min(args.eval_samples, len(inputs))
    scores = kg.evaluation.evaluate(
        pix2pix,
        num_samples=count,
        test_data=(inputs[:count], targets[:count]),
        test_labels=labels[:count],
    )
    print(
        f"Test pairs: L1 {scores['l1']:.4f}, PSNR {scores['psnr']:.2f} dB, "
        f"digits recognised {scores['label_accuracy']:.3f}, Fréchet distance "
        f"{scores['frechet_distance']:.2f}"
    )


if __name__ == "__main__":
    main()
