import gzip

import numpy as np

from tests.helpers import fake_mnist_arrays


def write_idx(path, array, magic=None, truncate=0):
    """Writes `array` (uint8) as an IDX file, gzip-compressed if `path` ends in .gz."""
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 8, array.ndim]) if magic is None else magic
    header += b"".join(d.to_bytes(4, "big") for d in array.shape)
    data = header + array.tobytes()
    if truncate:
        data = data[:-truncate]
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as file:
        file.write(data)
    return path


def write_mnist_idx(folder, n=64, split_prefix="train"):
    images, labels = fake_mnist_arrays(n)
    write_idx(folder / f"{split_prefix}-images-idx3-ubyte.gz", images)
    write_idx(folder / f"{split_prefix}-labels-idx1-ubyte.gz", labels)
    return images, labels
