"""Train briefly, export the generator, and serve it from plain TensorFlow.

`python examples/export_and_serve.py --epochs 2 --out runs/serve`

Writes `export/1/` (a SavedModel in the layout TensorFlow Serving expects),
then loads it with `tf.saved_model.load` alone, with no Keras or keras_gen
calls, asks both signatures for images and writes them as PNG grids. See
docs/guides/serving.md for the TensorFlow Serving REST requests.
"""

import example_utils
import numpy as np
import tensorflow as tf

import keras_gen as kg


def serve(export_dir, latent_dim, out):
    """Uses the SavedModel as a serving system would: through its signatures."""
    served = tf.saved_model.load(str(export_dir))
    noise = tf.random.stateless_normal([16, latent_dim], seed=[0, 0])
    images = served.signatures["serving_default"](noise=noise)["images"].numpy()
    pixels = served.signatures["sample"](
        num_images=tf.constant(16), seed=tf.constant(7, tf.int64)
    )["images"].numpy()
    print(
        f"serving_default: {images.shape} {images.dtype} in [{images.min():.2f}, {images.max():.2f}]"
    )
    print(
        f"sample:          {pixels.shape} {pixels.dtype} in [{pixels.min()}, {pixels.max()}]"
    )
    kg.visualization.save_image(kg.visualization.image_grid(images), out / "served.png")
    uint8_grid = kg.visualization.image_grid(
        pixels.astype(np.float32), value_range=(0, 255)
    )
    kg.visualization.save_image(uint8_grid, out / "sampled.png")


def main(argv=None):
    parser = example_utils.make_parser(
        __doc__, epochs=2, batch_size=128, out="runs/serve"
    )
    args = parser.parse_args(argv)

    # The export serves the average of the generator's weights (ema=0.999).
    dcgan = kg.DCGAN(image_shape=(28, 28, 1), base_filters=32, ema=0.999)
    dcgan.compile()
    dcgan.fit(
        kg.datasets.mnist(batch_size=args.batch_size, data_dir=args.data_dir, seed=0),
        epochs=args.epochs,
    )
    export_dir = dcgan.export_generator(args.out / "export" / "1", verbose=True)
    serve(export_dir, dcgan.latent_dim, args.out)


if __name__ == "__main__":
    main()
