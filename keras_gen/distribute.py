"""Which process writes files when training runs on several workers.

Under `tf.distribute.MultiWorkerMirroredStrategy` every worker runs the same
script and the same callbacks. Files that would collide (checkpoints, image
grids) are written by the chief alone: the task of type `"chief"`, or worker
0 when the cluster has no chief, as in TensorFlow's own convention.
"""

import keras


def is_chief(model=None):
    """True unless this process is a non-chief worker of a multi-worker run.

    Args:
        model: the model being trained; its `distribute_strategy` is used.
            Without it, the strategy in scope.

    Example:

    ```python
    import keras_gen as kg

    kg.distribute.is_chief()  # True: a single process is its own chief
    ```
    """
    if keras.backend.backend() != "tensorflow":
        return True
    import tensorflow as tf

    strategy = (
        getattr(model, "distribute_strategy", None) or tf.distribute.get_strategy()
    )
    resolver = getattr(strategy, "cluster_resolver", None)
    task_type = getattr(resolver, "task_type", None)
    if task_type is None:
        return True
    if task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return task_type == "worker" and resolver.task_id == 0 and not has_chief
