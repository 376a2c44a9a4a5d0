"""Reads a PyTorch state-dict file (`torch.save`) into numpy arrays, without PyTorch.

The FID Inception weights are published as a PyTorch file; this reader lets
every Keras backend load them with numpy alone. It reads both layouts
`torch.save` writes (the zip archive of PyTorch 1.6 and later, and the legacy
stream before it) and unpickles only what a state dict holds: an ordered
dict of tensors. Any other object in the file is refused, so a file cannot
run code on loading.
"""

import collections
import pickle
import struct
import zipfile

import numpy as np

#: numpy dtypes of the PyTorch storage classes a state dict of weights uses.
_STORAGE_DTYPES = {
    "DoubleStorage": np.float64,
    "FloatStorage": np.float32,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}
#: The first object of a legacy (pre-1.6) `torch.save` stream.
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


class _StorageType:
    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)


class _Storage:
    """A storage's dtype and, once read, its elements."""

    def __init__(self, dtype):
        self.dtype = dtype
        self.data = None


class _PendingTensor:
    """`torch._utils._rebuild_tensor_v2`'s arguments, kept until the storage's
    bytes are read (in the legacy layout they follow the pickle)."""

    def __init__(self, storage, offset, size, stride, *_):
        self.storage, self.offset = storage, offset
        self.size, self.stride = tuple(size), tuple(stride)

    def array(self):
        data, itemsize = self.storage.data, self.storage.dtype.itemsize
        if not self.size:
            return np.array(data[self.offset], dtype=self.storage.dtype)
        view = np.lib.stride_tricks.as_strided(
            data[self.offset :],
            shape=self.size,
            strides=tuple(step * itemsize for step in self.stride),
            writeable=False,
        )
        return np.array(view, dtype=self.storage.dtype)


def _rebuild_parameter(data, *_):
    return data


class _Unpickler(pickle.Unpickler):
    """Unpickles a state dict; storages are collected in `self.storages`."""

    _ALLOWED = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _PendingTensor,
        ("torch._utils", "_rebuild_tensor"): _PendingTensor,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    }

    def __init__(self, file):
        super().__init__(file)
        self.storages = {}

    def find_class(self, module, name):
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(_STORAGE_DTYPES[name])
        if (module, name) in self._ALLOWED:
            return self._ALLOWED[(module, name)]
        raise pickle.UnpicklingError(
            f"it holds a {module}.{name}, which a state dict of weights does "
            "not; it is refused rather than run"
        )

    def persistent_load(self, saved_id):
        kind, storage_type, key, *_ = saved_id
        if kind != "storage" or not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"unknown persistent object {kind!r}")
        return self.storages.setdefault(str(key), _Storage(storage_type.dtype))


def _read_zip(path):
    with zipfile.ZipFile(path) as archive:
        (pickle_name,) = [n for n in archive.namelist() if n.endswith("data.pkl")]
        root = pickle_name[: -len("data.pkl")]
        with archive.open(pickle_name) as file:
            unpickler = _Unpickler(file)
            state = unpickler.load()
        for key, storage in unpickler.storages.items():
            raw = archive.read(f"{root}data/{key}")
            storage.data = np.frombuffer(raw, dtype=storage.dtype)
    return state


def _read_legacy(path):
    """The stream `torch.save(..., _use_new_zipfile_serialization=False)` writes:
    magic, protocol, system information, the pickled object, the storage keys,
    then each storage's element count and bytes."""
    with open(path, "rb") as file:
        if pickle.load(file) != _LEGACY_MAGIC:
            raise pickle.UnpicklingError("it is not a PyTorch file")
        pickle.load(file)  # protocol version
        pickle.load(file)  # system information
        unpickler = _Unpickler(file)
        state = unpickler.load()
        for key in pickle.load(file):
            storage = unpickler.storages[str(key)]
            (count,) = struct.unpack("<q", file.read(8))
            raw = file.read(count * storage.dtype.itemsize)
            storage.data = np.frombuffer(raw, dtype=storage.dtype)
    return state


def read_state_dict(path):
    """The tensors of a PyTorch state-dict file: `{name: numpy array}`.

    Args:
        path: a file written by `torch.save(module.state_dict(), path)`, in
            either of its layouts.

    Raises:
        ValueError: the file is not a PyTorch state-dict file.

    Example:

    ```python
    import keras_gen as kg

    # state = kg.evaluation.read_state_dict("pt_inception-2015-12-05-6726825d.pth")
    # state["fc.weight"].shape  -> (1008, 2048)
    ```
    """
    path = str(path)
    try:
        if zipfile.is_zipfile(path):
            state = _read_zip(path)
        else:
            state = _read_legacy(path)
        if not isinstance(state, dict):
            raise pickle.UnpicklingError("it does not hold a dict of tensors")
        return {
            name: value.array() if isinstance(value, _PendingTensor) else value
            for name, value in state.items()
        }
    except (
        pickle.UnpicklingError,
        EOFError,
        KeyError,
        ValueError,
        TypeError,
        struct.error,
    ) as error:
        raise ValueError(
            f"{path} is not a PyTorch state-dict file that can be read: {error}."
        ) from error
