"""The tools ask the model: no type checks against keras_gen's models and no
comparisons with their names, no private Keras outside the backend, no
imports that run back up."""

import ast
import pathlib

import keras_gen as kg

PACKAGE = pathlib.Path(kg.__file__).parent
CLI = sorted((PACKAGE / "cli").glob("*.py"))
TOOLS = [
    *sorted((PACKAGE / "callbacks").glob("*.py")),
    PACKAGE / "export.py",
    *sorted((PACKAGE / "evaluation").glob("*.py")),
    *CLI,
]
MODEL_CLASSES = {
    name for name in dir(kg.models) if isinstance(getattr(kg.models, name), type)
}
#: How the CLI and users name the models: the class names in lower case.
MODEL_NAMES = {name.lower() for name in MODEL_CLASSES}


def imported_modules(path):
    """What a file imports, at any depth (lazy imports included): `import a.b`
    gives `a.b`, `from a import b` gives `a.b`."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def class_checks(path):
    """The model classes a file names in `isinstance`/`issubclass` calls."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("isinstance", "issubclass")
        ):
            for name in ast.walk(node.args[1]):
                label = getattr(name, "id", None) or getattr(name, "attr", None)
                if label in MODEL_CLASSES:
                    found.append(f"{path.name}:{node.lineno} {label}")
    return found


def name_comparisons(path):
    """Comparisons (`==`, `!=`, `in`) of anything with a model's name as a string."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Compare):
            continue
        for operand in [node.left, *node.comparators]:
            for leaf in ast.walk(operand):
                value = getattr(leaf, "value", None)
                if isinstance(value, str) and value.lower() in MODEL_NAMES:
                    found.append(f"{path.name}:{node.lineno} {value!r}")
    return found


def private_keras_imports(path):
    return [m for m in imported_modules(path) if m.startswith("keras.src")]


def test_the_model_classes_are_known():
    assert {"GAN", "DCGAN", "CGAN", "VAE", "CVAE", "GenerativeModel"} <= MODEL_CLASSES


def test_tools_never_check_a_models_class():
    assert [check for path in TOOLS for check in class_checks(path)] == []


def test_export_and_evaluation_do_not_import_the_models():
    for path in [PACKAGE / "export.py", *(PACKAGE / "evaluation").glob("*.py")]:
        modules = imported_modules(path)
        assert not {m for m in modules if m.startswith("keras_gen.models")}, path
        assert "keras_gen" not in modules, path  # the whole package, models too


def test_callbacks_do_not_import_the_models_nor_the_models_the_callbacks():
    for path in (PACKAGE / "callbacks").glob("*.py"):
        assert not {
            m for m in imported_modules(path) if m.startswith("keras_gen.models")
        }, path
    for path in (PACKAGE / "models").glob("*.py"):
        assert not {
            m for m in imported_modules(path) if m.startswith("keras_gen.callbacks")
        }, path


def test_the_cli_never_compares_a_models_name():
    assert CLI and [c for path in CLI for c in name_comparisons(path)] == []


def test_private_keras_only_in_the_backend():
    outside = [
        path
        for path in PACKAGE.rglob("*.py")
        if "backend" not in path.relative_to(PACKAGE).parts
        and private_keras_imports(path)
    ]
    assert outside == []


def test_models_and_evaluation_import_each_other_only_one_way_at_the_top():
    for path in (PACKAGE / "models").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                lazy = {
                    getattr(n, "module", None) or ""
                    for n in ast.walk(node)
                    if isinstance(n, ast.ImportFrom)
                }
                assert not {m for m in lazy if m.startswith("keras_gen.evaluation")}, (
                    f"{path.name}: {node.name} imports evaluation lazily"
                )


def test_the_checks_find_what_they_look_for(tmp_path):
    # The tests above pass on an empty list: make sure they would fail.
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(model):\n"
        "    from keras_gen.models import CGAN\n"
        "    return isinstance(model, (kg.VAE, CGAN))\n"
    )
    assert class_checks(bad) == ["bad.py:3 VAE", "bad.py:3 CGAN"]
    assert "keras_gen.models.CGAN" in imported_modules(bad)
    cli_like = tmp_path / "cli_like.py"
    cli_like.write_text(
        "from keras.src.trainers import trainer\n"
        "def build(kind):\n"
        "    if kind == 'pix2pix' or kind in ('vae', 'other'):\n"
        "        return 1\n"
    )
    assert name_comparisons(cli_like) == [
        "cli_like.py:3 'pix2pix'",
        "cli_like.py:3 'vae'",
    ]
    assert private_keras_imports(cli_like) == ["keras.src.trainers.trainer"]
