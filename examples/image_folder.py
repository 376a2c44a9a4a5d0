"""Train on your own images: `python examples/image_folder.py --images path/to/folder`.

`kg.datasets.from_directory` reads every image under a folder (with
`keras.utils.image_dataset_from_directory`), resizes it and scales it to the
model's range. With `--conditional`, each subfolder is a class and a CGAN
learns to draw each one.

Without `--images` the script first writes a small demo folder, one subfolder
of PNG digits per class from the MNIST sample shipped with keras_gen, so that
it runs as is.
"""

import pathlib

import example_utils
import keras

import keras_gen as kg


def write_demo_folder(folder, per_class=100):
    """Writes `folder/<digit>/<n>.png` from the MNIST test split shipped with keras_gen."""
    images, labels = kg.evaluation.default_reference_images()
    for digit in range(10):
        (folder / str(digit)).mkdir(parents=True, exist_ok=True)
        chosen = images[labels == digit][:per_class]
        for index, image in enumerate(chosen):
            keras.utils.save_img(
                folder / str(digit) / f"{index}.png", image * 255, scale=False
            )
    return folder


def main(argv=None):
    parser = example_utils.make_parser(
        __doc__, epochs=20, batch_size=64, out="runs/image_folder"
    )
    parser.add_argument("--images", type=pathlib.Path, help="folder of images")
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument(
        "--color-mode", default="grayscale", choices=("rgb", "grayscale")
    )
    parser.add_argument(
        "--conditional", action="store_true", help="train a CGAN on subfolders"
    )
    parser.add_argument("--base-filters", type=int, default=32)
    args = parser.parse_args(argv)

    folder = args.images or write_demo_folder(args.out / "demo_images")
    dataset = kg.datasets.from_directory(
        folder,
        image_size=(args.image_size, args.image_size),
        color_mode=args.color_mode,
        batch_size=args.batch_size,
        labels=args.conditional,
        seed=0,
    )
    channels = 3 if args.color_mode == "rgb" else 1
    image_shape = (args.image_size, args.image_size, channels)
    if args.conditional:
        classes = len([p for p in folder.iterdir() if p.is_dir()])
        model = kg.CGAN(classes, image_shape, base_filters=args.base_filters, seed=0)
    else:
        model = kg.DCGAN(image_shape, base_filters=args.base_filters, seed=0)
    model.compile()
    model.fit(
        dataset,
        epochs=args.epochs,
        callbacks=[
            kg.callbacks.ImageGrid(args.out / "samples"),
            kg.callbacks.Checkpoint(args.out / "checkpoints", every=5),
        ],
    )
    model.save(args.out / "model.keras")


if __name__ == "__main__":
    main()
