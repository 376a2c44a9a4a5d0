"""Resume after an interruption: `python examples/resume_training.py --epochs 6`.

Training with `kg.callbacks.Checkpoint(folder)` saves the full state (both
networks, both optimizers, the EMA, the random seed state) after every epoch,
atomically. Running the same script again loads the newest checkpoint and
continues at the next epoch, so a crash, a killed job or a Ctrl-C costs at most
one epoch.

This script shows it in one process: it trains, is "interrupted" after half the
epochs (a callback raises KeyboardInterrupt, as Ctrl-C would), then builds a
fresh model, as a re-run of the script would, and calls the same `fit()`,
which picks up where the first one stopped.
"""

import example_utils
import keras

import keras_gen as kg


class InterruptAfter(keras.callbacks.Callback):
    """Raises KeyboardInterrupt at the end of epoch `epoch` (1-based)."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.epoch:
            raise KeyboardInterrupt(f"interrupted after epoch {self.epoch}")


def train(args, extra_callbacks=()):
    """What a training script does: build, compile, fit with a Checkpoint."""
    dataset = kg.datasets.mnist(
        batch_size=args.batch_size, data_dir=args.data_dir, seed=0
    )
    dcgan = kg.DCGAN(image_shape=(28, 28, 1), base_filters=args.base_filters, seed=0)
    dcgan.compile()
    return dcgan.fit(
        dataset,
        epochs=args.epochs,
        callbacks=[kg.callbacks.Checkpoint(args.out / "checkpoints"), *extra_callbacks],
        verbose=2,
    )


def main(argv=None):
    parser = example_utils.make_parser(
        __doc__, epochs=6, batch_size=128, out="runs/resume"
    )
    parser.add_argument("--base-filters", type=int, default=32)
    args = parser.parse_args(argv)

    stop_at = max(1, args.epochs // 2)
    try:
        train(args, [InterruptAfter(stop_at)])
    except KeyboardInterrupt as interruption:
        print(f"Training stopped: {interruption}.")

    history = train(args)  # the "re-run": resumes from the newest checkpoint
    print(f"The second run trained epochs {[e + 1 for e in history.epoch]}.")
    return history


if __name__ == "__main__":
    main()
