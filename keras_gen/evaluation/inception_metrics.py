"""FID, KID and Inception Score as published: the reference network, resize and statistics.

`InceptionMetrics` feeds images through the published pipeline: pixels
quantised to uint8, grayscale repeated to three channels, resized to 299x299
(TensorFlow 1's bilinear resize by default, see `keras_gen.evaluation.resize`),
scaled to `(pixel - 128) / 128`, and the FID Inception network
(`keras_gen.evaluation.inception`). Statistics are float64 means and
covariances, saved in pytorch-fid's `.npz` layout (`mu`, `sigma`), so that
published statistics files load as they are. The Fréchet distance takes the
matrix square root through symmetric eigendecompositions.

Figures compare with published ones when they are computed as the papers
did: 50,000 samples against the statistics of the training set, with the
`"tf1"` resize.
"""

import dataclasses
import pathlib

import keras
import numpy as np

from keras_gen import validation
from keras_gen.evaluation import metrics
from keras_gen.evaluation.classifier import classifier_fingerprint
from keras_gen.evaluation.inception import INPUT_SIZE, fid_inception, float32_policy
from keras_gen.evaluation.resize import RESIZES, TF1Resize, resize

#: What the provenance calls the network.
NETWORK = "FID Inception (TensorFlow graph 2015-12-05, pytorch-fid port)"
#: Image files read from a folder.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff")
#: The published protocol: the Inception Score's splits, KID's subsets and size.
INCEPTION_SCORE_SPLITS = 10
KID_SUBSETS = 100
KID_SUBSET_SIZE = 1000


@dataclasses.dataclass
class Statistics:
    """The mean and covariance of a set of images' Inception pool features.

    Attributes:
        mu: `(2048,)` float64 mean.
        sigma: `(2048, 2048)` float64 covariance.
        num_images: how many images they summarise (0: not recorded, as in a
            published file).
        description: what the images were, in words.
    """

    mu: np.ndarray
    sigma: np.ndarray
    num_images: int = 0
    description: str = ""

    def save(self, path):
        """Writes pytorch-fid's `.npz` layout (`mu`, `sigma`, and
        `num_images`); an existing file is refused."""
        path = pathlib.Path(path)
        if path.suffix != ".npz":
            raise ValueError(f"Statistics are saved as .npz; got {path}.")
        with open(path, "xb") as file:  # never overwrites
            np.savez(file, mu=self.mu, sigma=self.sigma, num_images=self.num_images)

    @classmethod
    def load(cls, path):
        """Reads a `.npz` of `mu` and `sigma` (pytorch-fid's layout, or `save`'s)."""
        path = pathlib.Path(path)
        with np.load(path) as data:
            missing = {"mu", "sigma"} - set(data.files)
            if missing:
                raise ValueError(
                    f"{path} is not a statistics file: it has no "
                    f"{', '.join(sorted(missing))} (pytorch-fid's layout has "
                    "`mu` and `sigma`)."
                )
            mu = np.asarray(data["mu"], np.float64)
            sigma = np.asarray(data["sigma"], np.float64)
            count = int(data["num_images"]) if "num_images" in data.files else 0
        if mu.ndim != 1 or sigma.shape != (len(mu), len(mu)):
            raise ValueError(
                f"{path}: `mu` {mu.shape} and `sigma` {sigma.shape} are not a "
                "mean and its covariance."
            )
        return cls(mu, sigma, count, f"the statistics in {path}")

    @classmethod
    def of(cls, features, description=""):
        """The statistics of `(N, D)` features (N >= 2)."""
        features = np.asarray(features, np.float64)
        if features.ndim != 2 or len(features) < 2:
            raise ValueError(f"Statistics need at least 2 images; got {len(features)}.")
        return cls(
            features.mean(axis=0),
            np.cov(features, rowvar=False),
            len(features),
            description,
        )


def _uint8_rgb(images, value_range):
    """Images as `(N, H, W, 3)` uint8: floats quantised from `value_range`,
    grayscale repeated to three channels."""
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            f"Images must be (N, H, W, 1) or (N, H, W, 3); got shape "
            f"{images.shape}. Drop an alpha channel before scoring."
        )
    if images.dtype != np.uint8:
        if value_range is None:
            raise ValueError(
                f"Images of dtype {images.dtype} need their `value_range` "
                "(e.g. (0, 1), or a model's `value_range`); uint8 images need none."
            )
        validation.check_image_values(
            images, value_range, "InceptionMetrics", reason="the value_range given"
        )
        from keras_gen.visualization import to_uint8

        images = to_uint8(images, value_range)
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    return images


def _folder_images(folder):
    from PIL import Image

    files = sorted(
        p for p in pathlib.Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
    )
    if not files:
        raise ValueError(
            f"{folder} holds no image files ({', '.join(IMAGE_SUFFIXES)})."
        )
    for file in files:
        with Image.open(file) as image:
            yield np.asarray(image.convert("RGB"))


def _dataset_images(dataset):
    """Images of a tf.data dataset: elements that are images, `(images, ...)`
    tuples or dicts with an `image` entry, batched or not."""
    for element in dataset.as_numpy_iterator():
        if isinstance(element, dict):
            if "image" not in element:
                raise ValueError(
                    f"The dataset's elements have no 'image' entry (keys: "
                    f"{', '.join(element)})."
                )
            element = element["image"]
        elif isinstance(element, tuple):
            element = element[0]
        element = np.asarray(element)
        if element.ndim == 3:
            yield element
        else:
            yield from element


def _batched(images, batch_size):
    batch = []
    for image in images:
        batch.append(image)
        if len(batch) == batch_size:
            yield np.stack(batch)
            batch = []
    if batch:
        yield np.stack(batch)


class InceptionMetrics:
    """FID, KID and Inception Score with the reference Inception network.

    Images are given as a source, any of:

    - an array `(N, H, W, C)`, C 1 or 3: uint8, or floats with `value_range`;
    - a folder of image files (PNG, JPEG, ...);
    - a `tf.data.Dataset` (e.g. from `tensorflow_datasets.load`) of images,
      `(images, labels)` or `{"image": ...}` elements;
    - a keras_gen model, sampled `num_samples` times (with its own
      conditions where it draws them);
    - a statistics file (`.npz`, pytorch-fid's layout) or a `Statistics`:
      for the Fréchet distance only.

    Args:
        reference: the images (or statistics) samples are compared with by
            `score_images` and `evaluate()`; default none.
        value_range: `(low, high)` of float reference images.
        weights: the weights file (`pt_inception-2015-12-05-6726825d.pth`);
            default: the `KERAS_GEN_FID_WEIGHTS` environment variable, Keras'
            cache, else fetched once into it.
        resize: `"tf1"` (default; the published figures' resize) or
            `"clean"` (clean-fid's).
        batch_size: images per forward pass. Default 50.
        download: fetch the weights when no copy is found. Default True.
        network: a `build_fid_inception()` network with weights already
            loaded, instead of `weights` (for tests and other weights).

    Attributes:
        weights_sha256: SHA-256 of the weights file.
        provenance: the network, the weights' hash and the resize.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    network = kg.evaluation.build_fid_inception()  # random weights, for show
    metrics = kg.evaluation.InceptionMetrics(network=network)
    images = np.random.default_rng(0).integers(0, 256, (4, 32, 32, 3), "uint8")
    metrics.fid(images, images[::-1])  # ~0.0: the same four images
    # With the published weights: InceptionMetrics(weights="pt_inception-....pth")
    ```

    Reference: Heusel et al., 2017 (FID); Bińkowski et al., 2018 (KID);
    Salimans et al., 2016 (Inception Score).
    """

    def __init__(
        self,
        reference=None,
        value_range=None,
        weights=None,
        resize="tf1",
        batch_size=50,
        download=True,
        network=None,
    ):
        if resize not in RESIZES:
            raise ValueError(f"Unknown resize {resize!r}; expected one of {RESIZES}.")
        validation.check_count(batch_size, "batch_size")
        self.resize = resize
        self.batch_size = int(batch_size)
        if network is None:
            network, self.weights_sha256 = fid_inception(weights, download=download)
        else:
            self.weights_sha256 = classifier_fingerprint(network)
        self.network = network
        self._predict = {}  # input size -> compiled pipeline
        self.provenance = {
            "network": NETWORK,
            "weights_sha256": self.weights_sha256,
            "resize": resize,
        }
        self.reference = None
        self.reference_features = None
        if reference is not None:
            self.set_reference(reference, value_range=value_range)

    def set_reference(self, reference, num_samples=10_000, value_range=None, seed=0):
        """Sets the images (or statistics) that samples are compared with.

        Args:
            reference: a source (see the class).
            num_samples: samples drawn from a model source.
            value_range: `(low, high)` of float images.
            seed: seed of a model source's samples.
        """
        if isinstance(reference, Statistics) or _is_statistics_file(reference):
            self.reference = self.statistics(reference)
            self.reference_features = None
        else:
            self.reference_features, _ = self.features(
                reference, num_samples=num_samples, value_range=value_range, seed=seed
            )
            self.reference = Statistics.of(
                self.reference_features, _describe(reference)
            )
        self.provenance["reference"] = self.reference.description + (
            f" ({self.reference.num_images:,} images)"
            if self.reference.num_images
            else ""
        )

    # --- Features ----------------------------------------------------------

    def _pipeline(self, height, width):
        """A compiled model: uint8 `(N, H, W, 3)` -> resized, scaled -> network."""
        if self.resize == "clean":
            height, width = INPUT_SIZE, INPUT_SIZE
        key = (height, width)
        if key not in self._predict:
            with float32_policy():
                images = keras.Input((height, width, 3), name="pixels")
                x = images
                if self.resize == "tf1" and key != (INPUT_SIZE, INPUT_SIZE):
                    x = TF1Resize((INPUT_SIZE, INPUT_SIZE))(x)
                x = keras.layers.Rescaling(1 / 128, offset=-1.0)(x)
                model = keras.Model(images, self.network(x), name="fid_pipeline")
            self._predict[key] = model
        return self._predict[key]

    def _forward(self, batch):
        batch = batch.astype(np.float32)
        if self.resize == "clean":
            batch = resize(batch, (INPUT_SIZE, INPUT_SIZE), "clean")
        pool, logits = self._pipeline(*batch.shape[1:3]).predict_on_batch(batch)
        return np.asarray(pool), np.asarray(logits)

    def _image_batches(self, source, num_samples, value_range, seed):
        if _is_model(source):
            yield from self._model_batches(source, num_samples, seed)
            return
        if isinstance(source, (str, pathlib.Path)):
            if not pathlib.Path(source).is_dir():
                raise ValueError(
                    f"{source} is not a folder of images (nor a .npz statistics "
                    "file, which gives the Fréchet distance only)."
                )
            batches = _batched(_folder_images(source), self.batch_size)
            value_range = None
        elif validation.is_tf_dataset(source):
            batches = _batched(_dataset_images(source), self.batch_size)
        else:
            images = np.asarray(source)
            batches = (
                images[start : start + self.batch_size]
                for start in range(0, len(images), self.batch_size)
            )
        for batch in batches:
            yield _uint8_rgb(batch, value_range)

    def _model_batches(self, model, num_samples, seed):
        from keras_gen.conditions import conditions_for

        validation.check_count(num_samples, "num_samples", minimum=2)
        conditions = conditions_for(model, num_samples, seed)
        for start in range(0, num_samples, self.batch_size):
            count = min(self.batch_size, num_samples - start)
            condition = (
                None if conditions is None else conditions[start : start + count]
            )
            samples = model.generate(count, seed=seed + start, condition=condition)
            yield _uint8_rgb(samples, model.value_range)

    def features(self, source, num_samples=10_000, value_range=None, seed=0):
        """`(pool, logits)`: float64 `(N, 2048)` pool features and `(N, 1008)`
        logits (without bias) of a source's images.

        Args:
            source: images (see the class), not statistics.
            num_samples: samples drawn from a model source. Default 10,000.
            value_range: `(low, high)` of float images; not for uint8 ones.
            seed: seed of a model source's samples.
        """
        pools, logits = [], []
        for batch in self._image_batches(source, num_samples, value_range, seed):
            pool, logit = self._forward(batch)
            pools.append(pool)
            logits.append(logit)
        if not pools:
            raise ValueError("The source holds no images.")
        return (
            np.concatenate(pools).astype(np.float64),
            np.concatenate(logits).astype(np.float64),
        )

    def statistics(
        self, source, cache=None, num_samples=10_000, value_range=None, seed=0
    ):
        """The `Statistics` of a source's images.

        Args:
            source: images, a statistics file or a `Statistics`.
            cache: a `.npz` path: read when it exists, else written with the
                statistics computed (pytorch-fid's layout).
            num_samples: samples drawn from a model source.
            value_range: `(low, high)` of float images.
            seed: seed of a model source's samples.
        """
        if isinstance(source, Statistics):
            return source
        if _is_statistics_file(source):
            return Statistics.load(source)
        if cache is not None and pathlib.Path(cache).is_file():
            return Statistics.load(cache)
        pool, _ = self.features(source, num_samples, value_range, seed)
        statistics = Statistics.of(pool, _describe(source))
        if cache is not None:
            statistics.save(cache)
        return statistics

    # --- Metrics -------------------------------------------------------------

    def fid(self, a, b, **source_options):
        """The Fréchet Inception Distance between two sources (images or statistics)."""
        first = self.statistics(a, **source_options)
        second = self.statistics(b, **source_options)
        if first.mu.shape != second.mu.shape:
            raise ValueError(
                f"The statistics have {len(first.mu)} and {len(second.mu)} "
                "dimensions; both must be the network's pool features."
            )
        return metrics.frechet_distance_from_moments(
            first.mu, first.sigma, second.mu, second.sigma
        )

    def kid(
        self,
        a,
        b,
        num_subsets=KID_SUBSETS,
        subset_size=KID_SUBSET_SIZE,
        seed=0,
        **source_options,
    ):
        """The Kernel Inception Distance between two sources of images.

        The mean of the unbiased MMD² (cubic polynomial kernel) over
        `num_subsets` random subsets of `subset_size` images (fewer when a
        source has fewer). Statistics files do not give it: it needs the
        features themselves.
        """
        features = []
        for source in (a, b):
            if isinstance(source, Statistics) or _is_statistics_file(source):
                raise ValueError(
                    "KID needs images: a statistics file holds only the mean "
                    "and covariance. Pass the images (or folder) instead."
                )
            features.append(self.features(source, **source_options)[0])
        return metrics.kernel_distance(
            *features, num_subsets=num_subsets, subset_size=subset_size, seed=seed
        )

    def inception_score(self, source, splits=INCEPTION_SCORE_SPLITS, **source_options):
        """`(mean, std)` of the Inception Score over `splits` splits of the images."""
        _, logits = self.features(source, **source_options)
        return inception_score(logits, splits)

    def score_images(self, images, value_range=None, seed=0):
        """`fid`, `kid` (when the reference is images) and `inception_score`
        of images against the reference."""
        if self.reference is None:
            raise ValueError(
                "No reference to compare with: pass `reference=` (images, a "
                "folder, a dataset or a statistics file)."
            )
        pool, logits = self.features(images, value_range=value_range, seed=seed)
        result = {
            "fid": metrics.frechet_distance_from_moments(
                self.reference.mu, self.reference.sigma, *_moments(pool)
            )
        }
        if self.reference_features is not None:
            result["kid"] = metrics.kernel_distance(
                self.reference_features,
                pool,
                num_subsets=KID_SUBSETS,
                subset_size=KID_SUBSET_SIZE,
                seed=seed,
            )
        result["inception_score"] = inception_score(logits)[0]
        return result


def inception_score(logits, splits=INCEPTION_SCORE_SPLITS):
    """`(mean, std)` of `exp(E KL(p(y|x) || p(y)))` over `splits` consecutive
    splits of the logits, in float64 (torch-fidelity's computation, without
    its shuffle)."""
    logits = np.asarray(logits, np.float64)
    if len(logits) < splits:
        raise ValueError(
            f"The Inception Score needs at least {splits} images (one per split); "
            f"got {len(logits)}."
        )
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    p = np.exp(log_p)
    scores = []
    n = len(logits)
    for i in range(splits):
        chunk = slice(i * n // splits, (i + 1) * n // splits)
        marginal = p[chunk].mean(axis=0, keepdims=True)
        kl = (p[chunk] * (log_p[chunk] - np.log(marginal))).sum(axis=1).mean()
        scores.append(np.exp(kl))
    return float(np.mean(scores)), float(np.std(scores))


def _moments(features):
    statistics = Statistics.of(features)
    return statistics.mu, statistics.sigma


def _is_statistics_file(source):
    return isinstance(source, (str, pathlib.Path)) and str(source).endswith(".npz")


def _is_model(source):
    return hasattr(source, "generate") and hasattr(source, "value_range")


def _describe(source):
    if _is_model(source):
        return f"samples of a {type(source).__name__}"
    if isinstance(source, (str, pathlib.Path)):
        return f"the images in {source}"
    if validation.is_tf_dataset(source):
        return "a tf.data dataset"
    return "images given"
