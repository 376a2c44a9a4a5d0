"""Keeps TensorFlow's native start-up log lines out of the `keras-gen` command's output.

TensorFlow's C++ runtime writes lines such as `I0000 ... cudart_stub.cc:31]
Could not find cuda drivers` and `E0000 ... failed call to cuInit` straight to
the process's standard error, whatever `TF_CPP_MIN_LOG_LEVEL` says, from the
moment it is imported. For a command-line tool they read as failures. The
filter routes native writes to standard error through a pipe that drops those
lines and passes everything else on; Python's own `sys.stderr` (the command's
messages, tracebacks, warnings) keeps writing to the real standard error.

Only the command uses it (`keras_gen/__init__.py` installs it when the program
is `keras-gen`); `keras-gen --debug` and `KERAS_GEN_NATIVE_LOGS=1` keep the
lines.
"""

import os
import re
import sys
import threading

NATIVE_LOG_LINE = re.compile(
    rb"^(WARNING: All log messages before absl::InitializeLog\(\)"
    rb"|[IWEF]\d{4} [\d:.]+ +\d+ \S+:\d+\] "
    rb"|To enable the following instructions: )"
)


def wanted():
    """Whether the running program is the `keras-gen` command, without `--debug`."""
    program = os.path.basename(sys.argv[0]) if sys.argv else ""
    return (
        program in ("keras-gen", "keras-gen.exe")
        and "--debug" not in sys.argv
        and os.environ.get("KERAS_GEN_NATIVE_LOGS") != "1"
    )


def install():
    """Filters native writes to standard error from now on; returns at once.

    Safe to call once per process; does nothing where file descriptors
    cannot be duplicated.
    """
    try:
        real = os.dup(2)
        read, write = os.pipe()
        os.dup2(write, 2)
        os.close(write)
    except OSError:
        return
    sys.stderr.flush()
    sys.stderr = open(real, "w", buffering=1, closefd=False)  # noqa: SIM115

    def forward():
        with open(read, "rb", buffering=0) as pipe:
            for line in iter(pipe.readline, b""):
                if not NATIVE_LOG_LINE.match(line):
                    os.write(real, line)

    threading.Thread(target=forward, name="native-log-filter", daemon=True).start()
