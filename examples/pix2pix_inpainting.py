"""Pix2Pix inpainting on MNIST: `python examples/pix2pix_inpainting.py --epochs 10`.

Half of each digit (top, bottom, left or right) is hidden behind mid-grey, and
the model draws it back. The pairs are made from plain image arrays with
`kg.datasets.make_pairs`, as you would for your own images and masks, and fed
to `fit()` as `(inputs, targets)` through `kg.datasets.paired_from_numpy`.
"""

import example_utils
import numpy as np

import keras_gen as kg


def main(argv=None):
    parser = example_utils.make_parser(
        __doc__, epochs=10, batch_size=64, out="runs/pix2pix_inpainting"
    )
    parser.add_argument("--base-filters", type=int, default=64)
    args = parser.parse_args(argv)

    train = kg.datasets.mnist(
        batch_size=100_000, data_dir=args.data_dir, drop_remainder=False, seed=0
    )
    digits = next(iter(train)).numpy()  # every training digit, in [-1, 1]
    inputs, targets = kg.datasets.make_pairs(digits, "inpainting", seed=0)
    pairs = kg.datasets.paired_from_numpy(
        inputs, targets, batch_size=args.batch_size, input_range=(-1, 1), seed=0
    )

    pix2pix = kg.Pix2Pix(
        image_shape=(28, 28, 1), base_filters=args.base_filters, seed=0
    )
    pix2pix.compile()
    pix2pix.fit(
        pairs,
        epochs=args.epochs,
        callbacks=[kg.callbacks.ImageGrid(args.out / "samples", num_images=32)],
    )
    pix2pix.save(args.out / "pix2pix.keras")

    test_inputs, test_targets, _ = kg.datasets.mnist_pair_arrays(
        "inpainting", "test", args.data_dir
    )
    completed = pix2pix.translate(test_inputs[:8])
    rows = [test_inputs[:8], completed, test_targets[:8]]
    kg.visualization.save_image(
        kg.visualization.image_grid(np.concatenate(rows), columns=8),
        args.out / "completed.png",
    )


if __name__ == "__main__":
    main()
