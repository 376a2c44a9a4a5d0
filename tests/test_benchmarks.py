"""The throughput benchmark runs and prints its rows (a smoke test, not a timing)."""

import os
import re
import subprocess
import sys

import pytest

from tests.helpers import ROOT


def throughput(*args):
    result = subprocess.run(
        [sys.executable, "benchmarks/throughput.py", "--repeats", "1", *args],
        cwd=ROOT,
        env=dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


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
