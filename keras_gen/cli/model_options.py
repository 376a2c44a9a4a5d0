"""Command-line options read off a model class: its constructor, `compile()` and presets.

The CLI knows no model by name. For `keras-gen train MODEL`, the options are
the arguments of `MODEL`'s constructor and of its `compile()` that take plain
values (numbers, strings, booleans, `None`, tuples of numbers), and the keys
of its presets' configurations; their help comes from the class's docstring
and their defaults from the signature and the presets. Two arguments come
from the data instead: `image_shape` always, `num_classes` and `channels_b`
(a second domain's channels) unless given.
"""

import ast
import inspect
import re

from keras_gen.models import GenerativeModel

#: Constructor arguments the CLI sets itself (from the data, `--seed`,
#: `--preset`) or that have no command-line spelling.
FILLED_IN = ("image_shape", "seed", "preset", "name", "dtype")
#: Constructor arguments filled from the data when not given.
FROM_THE_DATA = ("image_shape", "num_classes", "channels_b")

REQUIRED = inspect.Parameter.empty


def model_classes():
    """`{command name: class}` of every registered `GenerativeModel` subclass
    (a user's own included, once its module is imported); the command name
    is the class name in lower case."""
    found, pending = {}, list(GenerativeModel.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not cls.__name__.startswith("_") and _registered(cls):
            found[cls.__name__.lower()] = cls
    return dict(sorted(found.items()))


def _registered(cls):
    import keras

    return (
        keras.saving.get_registered_object(keras.saving.get_registered_name(cls)) is cls
    )


def _plain(value):
    """Whether a default has a command-line spelling."""
    if isinstance(value, (list, tuple)):
        return all(isinstance(v, (int, float)) for v in value)
    return value is None or isinstance(value, (bool, int, float, str))


def _parameters(function, skip=()):
    """`{name: default}` of `function`'s arguments with plain defaults (or
    none), leaving out `self`, `*args`, `**kwargs` and `skip`."""
    found = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if name == "self" or name in skip:
            continue
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.default is REQUIRED or _plain(parameter.default):
            found[name] = parameter.default
    return found


def constructor_options(cls):
    """`{name: default}`: the constructor's plain arguments and the presets'
    configuration keys (`REQUIRED` where there is no default)."""
    options = _parameters(cls.__init__, FILLED_IN + tuple(cls.network_arguments))
    for preset in cls.presets.values():
        for name in preset["config"]:
            if name not in FILLED_IN:
                options.setdefault(name, REQUIRED)
    return options


def accepts(cls, name):
    """Whether `cls(...)` or its presets take the argument `name`."""
    parameters = inspect.signature(cls.__init__).parameters
    if name in parameters or any(name in p["config"] for p in cls.presets.values()):
        return True
    return any(p.kind is p.VAR_KEYWORD for p in parameters.values()) and name == "seed"


def compile_options(cls, taken=()):
    """`{name: default}` of `compile()`'s plain arguments, except `taken`."""
    return _parameters(cls.compile, taken)


def argument_help(cls):
    """`{argument: description}` from the Google-style docstrings of the
    class (its constructor's arguments) and of its `compile()`."""
    found = {}
    for text in (inspect.getdoc(cls.compile), inspect.getdoc(cls)):
        found.update(_args_section(text or ""))
    return found


def _args_section(text):
    match = re.search(r"^Args:\n((?:[ \t]+\S.*\n?|\n)+)", text, re.MULTILINE)
    if not match:
        return {}
    found, name = {}, None
    for line in match.group(1).splitlines():
        entry = re.match(r"^    (\*{0,2}\w+)(?: \([^)]*\))?: ?(.*)$", line)
        if entry:
            name = entry.group(1)
            found[name] = entry.group(2)
        elif name and line.strip():
            found[name] += " " + line.strip()
    return {key: " ".join(value.split()) for key, value in found.items()}


def parse_value(text):
    """A command-line value as Python: `none`, `true`, `false`, `auto`,
    numbers, and any other text as a string."""
    lowered = text.strip().lower()
    if lowered in ("none", "null"):
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return value if _plain(value) else text


def is_sequence(name, default, cls):
    """Whether the option takes several values (a tuple default or preset value)."""
    values = [default] + [preset["config"].get(name) for preset in cls.presets.values()]
    return any(isinstance(value, (list, tuple)) for value in values)


def describe_default(name, default, cls):
    """`default: ...` for an option's help: the signature's, and each preset's."""
    parts = []
    if default is not REQUIRED:
        parts.append(f"default {_show(default)}")
    elif name in FROM_THE_DATA:
        parts.append("default: from the data")
    for preset_name, preset in cls.presets.items():
        if name in preset["config"]:
            parts.append(f"preset {preset_name!r}: {_show(preset['config'][name])}")
    return "; ".join(parts)


def first_sentence(text):
    """The first sentence of an argument's description, without the
    sentences that state its default (the help shows the real one)."""
    sentences = re.split(r"(?<!e\.g)(?<!i\.e)(?<!etc)\. ", text)
    kept = [s for s in sentences if not s.startswith(("Default", '`"auto"` (default)'))]
    return (kept[0] if kept else "").rstrip(".")


def _show(value):
    if value is None:
        return "none"
    if isinstance(value, (list, tuple)):
        return " ".join(map(str, value))
    if isinstance(value, str):
        return repr(value)
    return str(value)
