"""Resizing images to the FID Inception network's 299x299, as the published figures did.

clean-fid showed that the resize alone moves FID by several points, so a
figure is comparable only with figures made with the same resize:

- `"tf1"` (default): TensorFlow 1's bilinear resize (`align_corners=False`,
  no antialiasing), the resize inside the original FID and Inception Score
  code and so behind published figures; torch-fidelity's
  `interpolate_bilinear_2d_like_tensorflow1x`, reproduced operation by
  operation in float32.
- `"clean"`: clean-fid's resize, PIL's antialiased bicubic on each channel in
  float32 (Parmar et al., "On Aliased Resizing and Surprising Subtleties in
  GAN Evaluation", 2022).
"""

import keras
import numpy as np
from keras import ops

RESIZES = ("tf1", "clean")


def _tf1_grid(in_size, out_size):
    """Source rows (or columns) and weights of TensorFlow 1's bilinear resize."""
    scale = np.float32(in_size / out_size)
    position = np.arange(out_size, dtype=np.float32) * scale
    low = position.astype(np.int64)
    high = np.minimum(low + 1, in_size - 1)
    return low, high, (position - low.astype(np.float32)).astype(np.float32)


def resize_tf1(images, size):
    """TensorFlow 1's bilinear resize of `(N, H, W, C)` float images to `size`.

    Computed in `keras.ops` on the backend's device, in float32, in the order
    of operations of TensorFlow 1's kernel (columns first, then rows).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    images = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    kg.evaluation.resize_tf1(images, (8, 8)).shape  # (1, 8, 8, 1)
    ```
    """
    images = ops.cast(ops.convert_to_tensor(images), "float32")
    _, height, width, _ = ops.shape(images)
    y_low, y_high, dy = _tf1_grid(height, size[0])
    x_low, x_high, dx = _tf1_grid(width, size[1])
    top = ops.take(images, y_low, axis=1)
    bottom = ops.take(images, y_high, axis=1)
    dx = ops.reshape(dx, (1, 1, -1, 1))
    rows = []
    for row in (top, bottom):
        left = ops.take(row, x_low, axis=2)
        right = ops.take(row, x_high, axis=2)
        rows.append(left + (right - left) * dx)
    top, bottom = rows
    return top + (bottom - top) * ops.reshape(dy, (1, -1, 1, 1))


def resize_clean(images, size):
    """clean-fid's resize: PIL's bicubic (antialiased) on each channel in float32.

    Args:
        images: `(N, H, W, C)` pixel values (0-255).
        size: `(height, width)`.

    Returns:
        float32 numpy `(N, height, width, C)`.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    images = np.zeros((1, 32, 32, 3), "uint8")
    kg.evaluation.resize_clean(images, (299, 299)).shape  # (1, 299, 299, 3)
    ```
    """
    from PIL import Image

    images = np.asarray(images, dtype=np.float32)
    out = np.empty((len(images), size[0], size[1], images.shape[-1]), np.float32)
    for n, image in enumerate(images):
        for c in range(images.shape[-1]):
            channel = Image.fromarray(image[..., c], mode="F")
            resized = channel.resize((size[1], size[0]), resample=Image.BICUBIC)
            out[n, ..., c] = np.asarray(resized, dtype=np.float32)
    return out


def resize(images, size, method="tf1"):
    """Resizes pixel values with one of `RESIZES` (see the module)."""
    if method == "tf1":
        return resize_tf1(images, size)
    if method == "clean":
        return resize_clean(ops.convert_to_numpy(images), size)
    raise ValueError(f"Unknown resize {method!r}; expected one of {RESIZES}.")


class TF1Resize(keras.layers.Layer):
    """`resize_tf1` as a layer, for images of a fixed size.

    Args:
        size: `(height, width)` of the output.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    layer = kg.evaluation.TF1Resize((299, 299))
    layer(np.zeros((1, 32, 32, 3), "float32")).shape  # (1, 299, 299, 3)
    ```
    """

    def __init__(self, size, **kwargs):
        super().__init__(**kwargs)
        self.size = tuple(int(s) for s in size)

    def call(self, images):
        return resize_tf1(images, self.size)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self.size, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "size": self.size}
