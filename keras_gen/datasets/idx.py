"""Reader for the IDX files the official MNIST distribution ships (`*-idx3-ubyte.gz`)."""

import gzip
import pathlib

import numpy as np

#: IDX type codes (the magic number's third byte) and their numpy dtypes.
IDX_DTYPES = {
    0x08: np.uint8,
    0x09: np.int8,
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class IDXFormatError(ValueError):
    """Raised for a file that is not a valid IDX file."""


def read_idx(path):
    """Reads an IDX file (optionally gzip-compressed) into a numpy array.

    Args:
        path: path to a `.idx*-ubyte` file or its `.gz`.

    Returns:
        numpy array with the file's dimensions and dtype.

    Raises:
        FileNotFoundError: if `path` does not exist.
        IDXFormatError: for a bad magic number or truncated data.

    Example:

    ```python
    import gzip, os, tempfile
    import numpy as np
    import keras_gen as kg

    path = os.path.join(tempfile.mkdtemp(), "labels-idx1-ubyte.gz")
    with gzip.open(path, "wb") as f:
        f.write(bytes([0, 0, 8, 1]) + (3).to_bytes(4, "big") + bytes([7, 0, 9]))
    kg.datasets.read_idx(path)  # array([7, 0, 9], dtype=uint8)
    ```
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No IDX file at {path}.")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as file:
            data = file.read()
    except (OSError, EOFError) as error:
        raise IDXFormatError(
            f"{path} could not be read as gzip data: {error}"
        ) from error
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in IDX_DTYPES:
        raise IDXFormatError(
            f"{path} is not an IDX file: its magic number is {data[:4].hex() or 'missing'}, "
            "expected 0000 followed by a type code (08 for uint8) and the number "
            "of dimensions."
        )
    dtype = np.dtype(IDX_DTYPES[data[2]])
    rank = data[3]
    header = 4 + 4 * rank
    if len(data) < header:
        raise IDXFormatError(f"{path} is truncated: its header needs {header} bytes.")
    shape = tuple(
        int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(rank)
    )
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(data) - header < expected:
        raise IDXFormatError(
            f"{path} is truncated: shape {shape} needs {expected} bytes of data, "
            f"the file has {len(data) - header}. Download it again."
        )
    array = np.frombuffer(data, dtype=dtype, count=int(np.prod(shape)), offset=header)
    return array.reshape(shape).astype(dtype.newbyteorder("="))
