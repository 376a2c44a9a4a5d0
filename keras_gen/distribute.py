"""Training on several devices or workers: who writes files, and how to shard a model.

Under `tf.distribute.MultiWorkerMirroredStrategy` every worker runs the same
script and the same callbacks. Files that would collide (checkpoints, image
grids) are written by the chief alone: the task of type `"chief"`, or worker
0 when the cluster has no chief, as in TensorFlow's own convention; on JAX,
process 0 of a `jax.distributed` run.

On JAX, Keras' own distribution API shards training: `DataParallel` over a
host's devices, and `ModelParallel` with a `LayoutMap`, which `layout_map()`
builds for a keras_gen model (see the scale guide).
"""

import re

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
    if keras.backend.backend() == "jax":
        import jax

        return jax.process_index() == 0
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


def layout_map(model, device_mesh, axis="model"):
    """A `keras.distribution.LayoutMap` that shards a model's wide kernels.

    Every kernel of two or more dimensions whose last (output) dimension the
    mesh's `axis` divides is split along it; biases, normalisation weights
    and narrow kernels (a logit, the image channels) are replicated. The
    map's keys are the model's variable paths, so build the model that
    trains under `keras.distribution.ModelParallel(layout_map=...)` the same
    way in a fresh session (`keras.backend.clear_session()`), where Keras
    gives its layers the same names.

    Args:
        model: a built keras_gen model (any `keras.Model`).
        device_mesh: a `keras.distribution.DeviceMesh` with an axis `axis`.
        axis: the mesh axis to shard kernels along. Default `"model"`.

    Returns:
        a `keras.distribution.LayoutMap` over `device_mesh`.

    Example:

    ```python
    import keras
    import keras_gen as kg

    mesh = keras.distribution.DeviceMesh((1,), ["model"], keras.distribution.list_devices()[:1])
    dcgan = kg.DCGAN(image_shape=(28, 28, 1), base_filters=8)
    layouts = kg.distribute.layout_map(dcgan, mesh)
    # keras.backend.clear_session(); keras.distribution.set_distribution(
    #     keras.distribution.ModelParallel(layout_map=layouts, batch_dim_name="batch"))
    # then build the DCGAN again and compile() and fit() it as usual.
    ```
    """
    names = list(device_mesh.axis_names)
    if axis not in names:
        raise ValueError(f"The device mesh has no axis {axis!r}; its axes are {names}.")
    size = device_mesh.shape[names.index(axis)]
    layouts = keras.distribution.LayoutMap(device_mesh)
    for variable in model.trainable_variables:
        shape = tuple(variable.shape)
        if len(shape) >= 2 and shape[-1] >= size and shape[-1] % size == 0:
            layouts["^" + re.escape(variable.path) + "$"] = (None,) * (
                len(shape) - 1
            ) + (axis,)
    return layouts
