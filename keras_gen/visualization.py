"""Pictures of training: image grids and loss curves."""

import pathlib

import numpy as np

__all__ = [
    "image_grid",
    "plot_history",
    "save_gif",
    "save_image",
    "to_uint8",
    "upscale",
    "with_channels",
]

#: The smallest side, in pixels, that `upscale(grid, "auto")` enlarges a grid to.
AUTO_SIDE = 512


def to_uint8(images, value_range=(-1.0, 1.0)):
    """Images in `value_range` as uint8 pixels: `low` to 0, `high` to 255,
    rounded, values outside the range clipped."""
    low, high = value_range
    pixels = np.clip((np.asarray(images, "float32") - low) / (high - low), 0.0, 1.0)
    return np.round(pixels * 255.0).astype(np.uint8)


def image_grid(images, columns=None, value_range=(-1.0, 1.0), padding=2):
    """Tiles images into one uint8 image, `columns` per row, with a padding border.

    Args:
        images: `(N, H, W, C)` array in `value_range`.
        columns: images per row; defaults to a square grid.
        value_range: `(low, high)` mapped to 0 and 255.
        padding: pixels between tiles (filled with white).

    Returns:
        uint8 array `(rows * (H + padding) + padding, ..., C)`.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    grid = kg.visualization.image_grid(np.zeros((6, 8, 8, 1)), columns=3)
    grid.shape  # (22, 32, 1)
    ```
    """
    images = np.asarray(images, dtype="float32")
    if images.ndim != 4:
        raise ValueError(f"`images` must be (N, H, W, C); got shape {images.shape}.")
    count, height, width, channels = images.shape
    columns = columns or max(1, int(np.ceil(np.sqrt(count))))
    rows = max(1, int(np.ceil(count / columns)))
    grid = np.full(
        (
            rows * (height + padding) + padding,
            columns * (width + padding) + padding,
            channels,
        ),
        255,
        dtype=np.uint8,
    )
    for index, image in enumerate(to_uint8(images, value_range)):
        row, column = divmod(index, columns)
        top = padding + row * (height + padding)
        left = padding + column * (width + padding)
        grid[top : top + height, left : left + width] = image
    return grid


def with_channels(images, channels):
    """`images` with `channels` channels, for showing images of several
    kinds in one grid: grayscale repeated to colour, extra channels dropped.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    kg.visualization.with_channels(np.zeros((2, 8, 8, 1)), 3).shape  # (2, 8, 8, 3)
    ```
    """
    images = np.asarray(images)
    if images.shape[-1] == channels:
        return images
    if images.shape[-1] == 1:
        return np.repeat(images, channels, axis=-1)
    return images[..., :channels] if images.shape[-1] > channels else images


def upscale(grid, factor="auto"):
    """Enlarges a `(H, W, C)` image by a whole `factor`, each pixel a block.

    Args:
        grid: the image, e.g. from `image_grid`.
        factor: an int >= 1, or `"auto"` (default): the smallest factor that
            makes the longer side at least 512 pixels (1 for larger images).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    grid = kg.visualization.image_grid(np.zeros((64, 28, 28, 1)))  # 242x242
    kg.visualization.upscale(grid).shape  # (726, 726, 1): 3x
    ```
    """
    grid = np.asarray(grid)
    if factor == "auto":
        factor = max(1, -(-AUTO_SIDE // max(grid.shape[:2])))
    if isinstance(factor, bool) or not isinstance(factor, int) or factor < 1:
        raise ValueError(f"`factor` must be an int >= 1 or 'auto'; got {factor!r}.")
    return grid.repeat(factor, axis=0).repeat(factor, axis=1)


def save_image(grid, path, scale=1):
    """Writes a uint8 `(H, W, C)` image to `path` (PNG, JPEG, ... by suffix).

    Args:
        grid: the image.
        path: the file to write; its folder is created.
        scale: enlarge it first, as `upscale(grid, scale)`: an int >= 1
            (default 1, as it is) or `"auto"`.
    """
    import keras

    grid = upscale(grid, scale)
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    keras.utils.save_img(path, grid, scale=False)
    return path


def save_gif(frames, path, duration_ms=400):
    """Writes uint8 `(H, W, C)` frames as an animated GIF that loops forever."""
    from PIL import Image

    pictures = [Image.fromarray(f[..., 0] if f.shape[-1] == 1 else f) for f in frames]
    if not pictures:
        raise ValueError("No frames to write.")
    pictures[0].save(
        path, save_all=True, append_images=pictures[1:], duration=duration_ms, loop=0
    )
    return pathlib.Path(path)


def plot_history(history, path=None):
    """Draws a training history's loss curves and, for GANs, D(x) and D(G(z)).

    Args:
        history: the `keras.callbacks.History` that `fit()` returns, or its
            `.history` dict.
        path: where to save the figure (PNG, PDF, SVG by suffix); `None`
            only returns it.

    Returns:
        the matplotlib `Figure`.

    Example:

    ```python
    import os, tempfile
    import keras_gen as kg

    history = {"d_loss": [1.3, 1.1, 1.2], "g_loss": [0.8, 1.0, 0.9],
               "real_score": [0.6, 0.7, 0.6], "fake_score": [0.4, 0.3, 0.35]}
    kg.plot_history(history, os.path.join(tempfile.mkdtemp(), "history.png"))
    ```
    """
    # A bare Figure renders without pyplot, so no global backend is touched.
    from matplotlib.figure import Figure

    logs = getattr(history, "history", history)
    losses = {k: v for k, v in logs.items() if k.endswith("loss")}
    scores = {k: v for k, v in logs.items() if k.endswith("score")}
    if not losses and not scores:
        raise ValueError(f"No losses or scores to plot in the history: {sorted(logs)}.")
    panels = [("loss", losses)] + (
        [("D output (probability real)", scores)] if scores else []
    )
    figure = Figure(figsize=(6 * len(panels), 4))
    axes = figure.subplots(1, len(panels), squeeze=False)
    for axis, (label, series) in zip(axes[0], panels):
        for name, values in series.items():
            # Markers, so that a short history (one epoch) shows its points.
            marker = "o" if len(values) <= 30 else None
            axis.plot(range(1, len(values) + 1), values, label=name, marker=marker)
        axis.set_xlabel("epoch")
        axis.set_ylabel(label)
        axis.grid(alpha=0.3)
        axis.legend()
    if scores:
        axes[0][-1].axhline(0.5, color="gray", linestyle="--", linewidth=1)
        axes[0][-1].set_ylim(0, 1)
    figure.tight_layout()
    if path is not None:
        path = pathlib.Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path)
    return figure
