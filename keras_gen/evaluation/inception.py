"""The FID Inception network: the TensorFlow Inception graph of 2015-12-05 in Keras 3.

Published Fréchet Inception Distances, Kernel Inception Distances and
Inception Scores come from one network: the Inception-v3 graph that the
original FID and Inception Score code downloaded (`inception-2015-12-05`). It
differs from `keras.applications.InceptionV3` in its weights (1008 classes)
and in four pooling details, which this port keeps as pytorch-fid and
torch-fidelity do:

- the average pools inside the `Mixed_5*`, `Mixed_6b`-`6e` and `Mixed_7b`
  blocks leave the zero padding out of the average;
- the last block (`Mixed_7c`) pools its fourth branch with a max pool, not an
  average pool;
- the Inception Score reads the logits without the final layer's bias.

The weights come from the PyTorch file that pytorch-fid and torch-fidelity
publish (`pt_inception-2015-12-05-6726825d.pth`), read without PyTorch by
`keras_gen.evaluation.torch_weights`.

Reference: Heusel et al., "GANs Trained by a Two Time-Scale Update Rule
Converge to a Local Nash Equilibrium", 2017 (FID); Szegedy et al.,
"Rethinking the Inception Architecture for Computer Vision", 2016.
"""

import contextlib
import hashlib
import os
import pathlib

import keras
from keras import layers

from keras_gen.evaluation.torch_weights import read_state_dict

#: The weights file pytorch-fid publishes (torch-fidelity's holds the same tensors).
WEIGHTS_FILE = "pt_inception-2015-12-05-6726825d.pth"
WEIGHTS_URL = (
    "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/"
    + WEIGHTS_FILE
)
#: The first hex digits of the file's SHA-256, as its name gives them.
WEIGHTS_SHA256_PREFIX = "6726825d"
#: The environment variable that names a local copy of the weights file.
WEIGHTS_ENV = "KERAS_GEN_FID_WEIGHTS"
#: The network's input size.
INPUT_SIZE = 299
#: Classes of the 2015 graph's output layer.
NUM_CLASSES = 1008
POOL_FEATURES = 2048


def _conv(x, filters, kernel, name, strides=1, padding="valid"):
    """A `BasicConv2d`: convolution without bias, batch norm (eps 0.001), ReLU.

    Its layers are named by the state dict's keys, with `__` for `.` (which
    PyTorch does not allow in a name): `{name}__conv`, `{name}__bn`.
    """
    x = layers.Conv2D(
        filters, kernel, strides, padding=padding, use_bias=False, name=f"{name}__conv"
    )(x)
    x = layers.BatchNormalization(epsilon=1e-3, name=f"{name}__bn")(x)
    return layers.ReLU()(x)


def _average_pool(x):
    # TensorFlow's "same" average pool leaves the padding out of the average.
    return layers.AveragePooling2D(3, 1, padding="same")(x)


def _block_a(x, pool_features, name):
    b1 = _conv(x, 64, 1, f"{name}__branch1x1")
    b5 = _conv(x, 48, 1, f"{name}__branch5x5_1")
    b5 = _conv(b5, 64, 5, f"{name}__branch5x5_2", padding="same")
    b3 = _conv(x, 64, 1, f"{name}__branch3x3dbl_1")
    b3 = _conv(b3, 96, 3, f"{name}__branch3x3dbl_2", padding="same")
    b3 = _conv(b3, 96, 3, f"{name}__branch3x3dbl_3", padding="same")
    bp = _conv(_average_pool(x), pool_features, 1, f"{name}__branch_pool")
    return layers.Concatenate(name=name)([b1, b5, b3, bp])


def _block_b(x, name):
    b3 = _conv(x, 384, 3, f"{name}__branch3x3", strides=2)
    bd = _conv(x, 64, 1, f"{name}__branch3x3dbl_1")
    bd = _conv(bd, 96, 3, f"{name}__branch3x3dbl_2", padding="same")
    bd = _conv(bd, 96, 3, f"{name}__branch3x3dbl_3", strides=2)
    bp = layers.MaxPooling2D(3, 2)(x)
    return layers.Concatenate(name=name)([b3, bd, bp])


def _block_c(x, c7, name):
    b1 = _conv(x, 192, 1, f"{name}__branch1x1")
    b7 = _conv(x, c7, 1, f"{name}__branch7x7_1")
    b7 = _conv(b7, c7, (1, 7), f"{name}__branch7x7_2", padding="same")
    b7 = _conv(b7, 192, (7, 1), f"{name}__branch7x7_3", padding="same")
    bd = _conv(x, c7, 1, f"{name}__branch7x7dbl_1")
    bd = _conv(bd, c7, (7, 1), f"{name}__branch7x7dbl_2", padding="same")
    bd = _conv(bd, c7, (1, 7), f"{name}__branch7x7dbl_3", padding="same")
    bd = _conv(bd, c7, (7, 1), f"{name}__branch7x7dbl_4", padding="same")
    bd = _conv(bd, 192, (1, 7), f"{name}__branch7x7dbl_5", padding="same")
    bp = _conv(_average_pool(x), 192, 1, f"{name}__branch_pool")
    return layers.Concatenate(name=name)([b1, b7, bd, bp])


def _block_d(x, name):
    b3 = _conv(x, 192, 1, f"{name}__branch3x3_1")
    b3 = _conv(b3, 320, 3, f"{name}__branch3x3_2", strides=2)
    b7 = _conv(x, 192, 1, f"{name}__branch7x7x3_1")
    b7 = _conv(b7, 192, (1, 7), f"{name}__branch7x7x3_2", padding="same")
    b7 = _conv(b7, 192, (7, 1), f"{name}__branch7x7x3_3", padding="same")
    b7 = _conv(b7, 192, 3, f"{name}__branch7x7x3_4", strides=2)
    bp = layers.MaxPooling2D(3, 2)(x)
    return layers.Concatenate(name=name)([b3, b7, bp])


def _block_e(x, name, max_pool):
    def pair(y, prefix):
        return [
            _conv(y, 384, (1, 3), f"{prefix}a", padding="same"),
            _conv(y, 384, (3, 1), f"{prefix}b", padding="same"),
        ]

    b1 = _conv(x, 320, 1, f"{name}__branch1x1")
    b3 = _conv(x, 384, 1, f"{name}__branch3x3_1")
    bd = _conv(x, 448, 1, f"{name}__branch3x3dbl_1")
    bd = _conv(bd, 384, 3, f"{name}__branch3x3dbl_2", padding="same")
    # The 2015 graph's last block max-pools where the paper average-pools.
    pooled = (
        layers.MaxPooling2D(3, 1, padding="same")(x) if max_pool else _average_pool(x)
    )
    bp = _conv(pooled, 192, 1, f"{name}__branch_pool")
    return layers.Concatenate(name=name)(
        [
            b1,
            *pair(b3, f"{name}__branch3x3_2"),
            *pair(bd, f"{name}__branch3x3dbl_3"),
            bp,
        ]
    )


@contextlib.contextmanager
def float32_policy():
    """Builds layers in float32 whatever the global policy (a mixed-precision
    run's evaluation must not score in float16)."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("float32")
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def build_fid_inception():
    """The FID Inception network, untrained: `(N, 299, 299, 3)` -> pool features, logits.

    The input is the resized image scaled to [-1, 1] (`(pixel - 128) / 128`);
    the outputs are the 2048 average-pooled features of FID and KID and the
    1008 logits of the Inception Score (without the output layer's bias, as
    the original Inception Score code reads them). Layers are named by the
    keys of the published state dict, `__` for `.` (`Mixed_5b__branch1x1__conv`).
    It is built in float32 whatever the global dtype policy.

    Example:

    ```python
    import keras_gen as kg

    network = kg.evaluation.build_fid_inception()
    [tuple(output.shape) for output in network.outputs]  # [(None, 2048), (None, 1008)]
    ```
    """
    with float32_policy():
        return _build()


def _build():
    images = keras.Input((INPUT_SIZE, INPUT_SIZE, 3), name="images")
    x = _conv(images, 32, 3, "Conv2d_1a_3x3", strides=2)
    x = _conv(x, 32, 3, "Conv2d_2a_3x3")
    x = _conv(x, 64, 3, "Conv2d_2b_3x3", padding="same")
    x = layers.MaxPooling2D(3, 2)(x)
    x = _conv(x, 80, 1, "Conv2d_3b_1x1")
    x = _conv(x, 192, 3, "Conv2d_4a_3x3")
    x = layers.MaxPooling2D(3, 2)(x)
    x = _block_a(x, 32, "Mixed_5b")
    x = _block_a(x, 64, "Mixed_5c")
    x = _block_a(x, 64, "Mixed_5d")
    x = _block_b(x, "Mixed_6a")
    x = _block_c(x, 128, "Mixed_6b")
    x = _block_c(x, 160, "Mixed_6c")
    x = _block_c(x, 160, "Mixed_6d")
    x = _block_c(x, 192, "Mixed_6e")
    x = _block_d(x, "Mixed_7a")
    x = _block_e(x, "Mixed_7b", max_pool=False)
    x = _block_e(x, "Mixed_7c", max_pool=True)
    pool = layers.GlobalAveragePooling2D(name="pool")(x)
    logits = layers.Dense(NUM_CLASSES, use_bias=False, name="fc")(pool)
    return keras.Model(images, [pool, logits], name="fid_inception")


def _key(layer):
    """The state-dict prefix of a layer: `Mixed_5b__branch1x1__conv` -> `Mixed_5b.branch1x1.conv`."""
    return layer.name.replace("__", ".")


def weight_shapes(network=None):
    """`{state-dict key: shape}` of the weights file the network loads, as
    PyTorch lays them out (what `load_fid_weights` reads).

    Args:
        network: a `build_fid_inception()` network; default a new one.
    """
    shapes = {}
    for layer in (network or build_fid_inception()).layers:
        if isinstance(layer, layers.Conv2D):
            kh, kw, cin, cout = layer.kernel.shape
            shapes[f"{_key(layer)}.weight"] = (cout, cin, kh, kw)
        elif isinstance(layer, layers.BatchNormalization):
            for suffix in ("weight", "bias", "running_mean", "running_var"):
                shapes[f"{_key(layer)}.{suffix}"] = tuple(layer.gamma.shape)
    shapes["fc.weight"] = (NUM_CLASSES, POOL_FEATURES)
    shapes["fc.bias"] = (NUM_CLASSES,)
    return shapes


def load_fid_weights(network, path):
    """Loads the published weights file (PyTorch layout) into `build_fid_inception()`.

    Raises `ValueError` naming the first tensor that is missing or has
    another shape.
    """
    state = read_state_dict(path)
    expected = weight_shapes(network)
    for key, shape in expected.items():
        if key not in state:
            raise ValueError(
                f"{path} has no tensor {key!r}: it is not the FID Inception "
                f"weights file ({WEIGHTS_FILE})."
            )
        if tuple(state[key].shape) != shape:
            raise ValueError(
                f"{path}: {key!r} has shape {tuple(state[key].shape)}, where the "
                f"FID Inception network needs {shape}."
            )
    for layer in network.layers:
        if isinstance(layer, layers.Conv2D):
            kernel = state[f"{_key(layer)}.weight"].transpose(2, 3, 1, 0)
            layer.set_weights([kernel])
        elif isinstance(layer, layers.BatchNormalization):
            layer.set_weights(
                [
                    state[f"{_key(layer)}.{suffix}"]
                    for suffix in ("weight", "bias", "running_mean", "running_var")
                ]
            )
    network.get_layer("fc").set_weights([state["fc.weight"].T])


def file_sha256(path):
    """The SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _keras_home():
    """The folder `keras.utils.get_file` caches in (`KERAS_HOME`, else ~/.keras)."""
    return pathlib.Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser()


def fid_weights_path(weights=None, download=True):
    """The local path of the FID Inception weights file.

    Looked for in turn: `weights` (a path), the `KERAS_GEN_FID_WEIGHTS`
    environment variable, Keras' cache (`~/.keras/models/`); fetched once from
    its published location into that cache with `keras.utils.get_file` when
    `download` and none is there.

    Raises:
        FileNotFoundError: no copy, and it could not (or may not) be fetched;
            the message names the file and how to get it.
    """
    candidates = [weights, os.environ.get(WEIGHTS_ENV)]
    for candidate in candidates:
        if candidate:
            path = pathlib.Path(candidate).expanduser()
            if not path.is_file():
                raise FileNotFoundError(
                    f"The FID Inception weights file {path} does not exist. "
                    f"Download {WEIGHTS_URL} and pass its path."
                )
            return path
    cached = _keras_home() / "models" / WEIGHTS_FILE
    if cached.is_file():
        return cached
    how = (
        f"Download {WEIGHTS_URL} (about 91 MB) and pass its path (`weights=`, or --weights to keras-gen), "
        f"set {WEIGHTS_ENV} to it, or place it at {cached}."
    )
    if not download:
        raise FileNotFoundError(f"The FID Inception weights are not here. {how}")
    try:
        fetched = keras.utils.get_file(WEIGHTS_FILE, WEIGHTS_URL, cache_subdir="models")
    except Exception as error:  # noqa: BLE001 - any failure to fetch is reported
        raise FileNotFoundError(
            f"The FID Inception weights could not be fetched ({error}). {how}"
        ) from error
    fetched = pathlib.Path(fetched)
    if not file_sha256(fetched).startswith(WEIGHTS_SHA256_PREFIX):
        fetched.unlink()
        raise FileNotFoundError(
            f"The fetched FID Inception weights are not the published file "
            f"(SHA-256 not starting {WEIGHTS_SHA256_PREFIX}); removed. {how}"
        )
    return fetched


def fid_inception(weights=None, download=True):
    """The FID Inception network with the published weights.

    Args:
        weights: path of the weights file (`pt_inception-2015-12-05-6726825d.pth`
            from pytorch-fid, or torch-fidelity's copy); default: the
            `KERAS_GEN_FID_WEIGHTS` environment variable, else Keras' cache,
            else fetched once into it (see `fid_weights_path`).
        download: fetch the file when no copy is found. Default True.

    Returns:
        `(network, sha256)`: the Keras model of `build_fid_inception` and the
        weights file's SHA-256.

    Example:

    ```python
    import keras_gen as kg

    # network, sha256 = kg.evaluation.fid_inception("pt_inception-2015-12-05-6726825d.pth")
    ```
    """
    path = fid_weights_path(weights, download=download)
    network = build_fid_inception()
    load_fid_weights(network, path)
    return network, file_sha256(path)
