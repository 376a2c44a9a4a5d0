"""Who writes files in a multi-worker run."""

import types

import pytest

import keras_gen as kg


def model_in(cluster, task_type, task_id):
    resolver = types.SimpleNamespace(
        task_type=task_type,
        task_id=task_id,
        cluster_spec=lambda: types.SimpleNamespace(as_dict=lambda: cluster),
    )
    strategy = types.SimpleNamespace(cluster_resolver=resolver)
    return types.SimpleNamespace(distribute_strategy=strategy)


WORKERS = {"worker": ["a:1", "b:1"]}
WITH_CHIEF = {"chief": ["c:1"], "worker": ["a:1", "b:1"]}


@pytest.mark.parametrize(
    "cluster, task_type, task_id, chief",
    [
        (WORKERS, "worker", 0, True),
        (WORKERS, "worker", 1, False),
        (WITH_CHIEF, "chief", 0, True),
        (WITH_CHIEF, "worker", 0, False),
        (WORKERS, None, None, True),  # not a multi-worker run
    ],
)
def test_chief_is_the_chief_task_or_worker_zero(cluster, task_type, task_id, chief):
    assert kg.distribute.is_chief(model_in(cluster, task_type, task_id)) is chief


def test_a_single_process_is_its_own_chief():
    assert kg.distribute.is_chief() is True
