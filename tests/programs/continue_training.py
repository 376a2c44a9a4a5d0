"""Loads `.keras` files (or builds models), trains each one epoch, saves them.

Usage: python -m tests.programs.continue_training IN_DIR|new OUT_DIR KIND...

For each KIND, loads `IN_DIR/KIND.keras` (or builds a new model), trains it
one epoch and saves `OUT_DIR/KIND.keras`. Prints one JSON line, by kind:
images generated from fixed noise right after loading and right before
saving, and the train-step count before and after.
"""

import json
import sys

import keras
import numpy as np

from tests.helpers import IMAGE_SHAPE, LATENT_DIM, tiny_cgan, tiny_dcgan, tiny_vae

NOISE = np.random.default_rng(3).normal(size=(4, LATENT_DIM)).astype("float32")
LABELS = np.array([0, 1, 2, 0])


def sample(model, kind):
    if kind == "vae":
        return model.decode(NOISE[:, :2])
    if kind == "cgan":
        return model.generate(noise=NOISE, labels=LABELS)
    return model.generate(noise=NOISE)


def steps(model):
    return int(model.optimizer.iterations)


def continue_training(kind, source, target):
    if source == "new":
        model = {
            "dcgan": lambda: tiny_dcgan(ema=0.9),
            "cgan": tiny_cgan,
            "vae": tiny_vae,
        }[kind]()
        model.compile()
    else:
        model = keras.models.load_model(source)
    loaded = sample(model, kind)
    before = steps(model)
    rng = np.random.default_rng(4)
    images = rng.uniform(-1, 1, (32,) + IMAGE_SHAPE).astype("float32")
    if kind == "vae":
        history = model.fit((images + 1) / 2, batch_size=8, epochs=1, verbose=0)
    elif kind == "cgan":
        history = model.fit(
            images, rng.integers(0, 3, 32), batch_size=8, epochs=1, verbose=0
        )
    else:
        history = model.fit(images, batch_size=8, epochs=1, verbose=0)
    losses = {name: float(values[-1]) for name, values in history.history.items()}
    saved = sample(model, kind)
    model.save(target)
    return {
        "backend": keras.backend.backend(),
        "loaded": loaded.tolist(),
        "saved": saved.tolist(),
        "steps_before": before,
        "steps_after": steps(model),
        "losses": losses,
    }


def main(source, target, *kinds):
    reports = {
        kind: continue_training(
            kind,
            source if source == "new" else f"{source}/{kind}.keras",
            f"{target}/{kind}.keras",
        )
        for kind in kinds
    }
    print(json.dumps(reports))


if __name__ == "__main__":
    main(*sys.argv[1:])
