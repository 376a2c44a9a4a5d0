"""The throughput benchmark runs and prints its rows (a smoke test, not a timing)."""

import re

import pytest

from tests.helpers import run_module


def throughput(*args):
    return run_module("benchmarks.throughput", "--repeats", "1", *args)


@pytest.mark.parametrize(
    "args, expected",
    [
        ((), r"mlp_gan .* keras_gen +[\d.]+ img/s +hand-written +[\d.]+ img/s +ratio"),
        (
            ("--compare-precision", "mixed_bfloat16"),
            r"mlp_gan .* float32 +[\d.]+ img/s +mixed_bfloat16 +[\d.]+ img/s "
            r"+speed-up [\d.]+",
        ),
    ],
    ids=["against-hand-written", "compare-precision"],
)
def test_throughput_prints_a_row(args, expected):
    output = throughput("--models", "mlp_gan", "--steps-scale", "0.01", *args)
    assert output.startswith("# tensorflow, keras ")
    assert len(re.findall(expected, output)) == 1, output
