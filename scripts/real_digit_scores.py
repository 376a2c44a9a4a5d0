"""Writes `keras_gen/evaluation/data/real_digit_scores.json`: what real digits score.

`python scripts/real_digit_scores.py --data-dir ../shared/datasets/mnist`

Scores 10,000 real MNIST training digits against the 10,000 test digits with
the bundled classifier, as `benchmarks/quality.py` scores samples: the figures a
perfect generator would reach, which `keras-gen evaluate` prints beside a
model's. Run it again whenever the bundled classifier's weights change (the
file records their fingerprint, `kg.evaluation.classifier_fingerprint`).
"""

import argparse
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras_gen as kg  # noqa: E402
from keras_gen.evaluation.evaluate import REAL_DIGIT_SCORES  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", required=True, help="folder with mnist.npz")
    parser.add_argument("--num-samples", type=int, default=10_000)
    args = parser.parse_args()
    images, labels = next(
        iter(
            kg.datasets.mnist(
                batch_size=args.num_samples,
                labels=True,
                value_range=(0, 1),
                data_dir=args.data_dir,
                seed=1,
            )
        )
    )
    evaluator = kg.evaluation.Evaluator()
    scores = evaluator.score_images(images.numpy(), labels.numpy())
    record = {
        "scores": {name: round(float(value), 4) for name, value in scores.items()},
        "samples": f"{args.num_samples} MNIST training digits",
        "reference": "the 10,000 MNIST test digits",
        "classifier_sha256": evaluator.classifier_sha256,
    }
    REAL_DIGIT_SCORES.write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
