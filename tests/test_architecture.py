"""The house's rules (docs/architecture.md), read from the code: imports go down the stages, all
SQL is in the store, `Index` stands on its own folder, no function grows past what one can hold
in mind, and the top level stays small."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "crosscheck"
# Each part and the parts it may import (besides itself). Lower rows are lower floors.
ALLOWED: dict[str, set[str]] = {
    "cli": {"web", "present", "compare", "stories", "ingest", "index", "sources", "text", "languages", "base"},
    "web": {"present", "compare", "stories", "index", "sources", "text", "languages", "base"},
    "present": {"compare", "stories", "index", "sources", "text", "languages", "base"},
    "compare": {"stories", "index", "sources", "text", "languages", "base"},
    "stories": {"index", "text", "languages", "base"},
    "ingest": {"index", "sources", "text", "languages", "base"},
    "index": {"text", "languages", "base"},
    "sources": {"text", "languages", "base"},
    "text": {"languages", "base"},
    "languages": {"base"},
    "base": {"base"},
}
BASE = {"records", "vocabulary", "errors", "limits", "linkage", "__init__"}
MAX_FUNCTION_LINES = 80


def _part(module: str) -> str:
    """The part of the house a module (dotted, under crosscheck) belongs to."""
    first = module.split(".")[0]
    return "base" if first in BASE or first == "" else first


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        out[".".join(p for p in parts if p != "__init__") or "__init__"] = path
    return out


def _imports(module: str, path: Path) -> set[str]:
    """The crosscheck modules `module` imports, wherever in it (function-level imports too)."""
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
    if module == "__init__":
        package = []
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1] if node.level > 1 else package
            target = [*base, *(node.module.split(".") if node.module else [])]
            found.add(".".join(target) or "__init__")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("crosscheck"):
            found.add(node.module.removeprefix("crosscheck").lstrip(".") or "__init__")
    return found


def test_imports_go_down_the_stages() -> None:
    wrong = []
    for module, path in _modules().items():
        if module == "__init__":
            continue  # the package's face: it names every public object, lazily
        mine = _part(module)
        for target in _imports(module, path):
            theirs = _part(target)
            if theirs != mine and theirs not in ALLOWED[mine]:
                wrong.append(f"{module} ({mine}) imports {target} ({theirs})")
    assert wrong == []


def test_the_index_folder_imports_only_its_own_folder_and_the_base() -> None:
    imported = _imports("index.folder", PACKAGE / "index" / "folder.py")
    assert {t for t in imported if not (t.startswith("index.") or t in {"errors", "records", "limits",
                                                                        "vocabulary", "index"})} == set()


def test_sql_lives_in_the_store() -> None:
    outside = [f"{path.relative_to(ROOT)}:{n}" for path in PACKAGE.rglob("*.py") if path.name != "store.py"
               for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "execute(" in line]
    assert outside == []


def test_status_and_camp_words_live_in_the_vocabulary() -> None:
    literal = re.compile(r"""["'](unknown|shared|camp_only|single_source)["']""")
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}" for path in PACKAGE.rglob("*.py")
             if path.name != "vocabulary.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if literal.search(line.split("#")[0])]
    assert found == []


def test_no_function_is_longer_than_one_can_hold_in_mind() -> None:
    """Counted from `def` to the function's last line, docstring and nested functions included."""
    long = [f"{path.relative_to(ROOT)}: {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for path in sorted(PACKAGE.rglob("*.py"))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == []


def test_the_top_level_stays_small() -> None:
    assert len([p for p in PACKAGE.glob("*.py")]) <= 10
