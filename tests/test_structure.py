"""The shape of the code: no function grows past what one reader can hold at once."""

from __future__ import annotations

import ast
from pathlib import Path

import chiiki

MAX_LINES = 80
SOURCE = Path(chiiki.__file__).parent


def long_functions(root: Path, limit: int) -> list[str]:
    """'path:line name (n lines)' of every function or method longer than ``limit`` lines,
    from its ``def`` to its last line, in every module under ``root`` but migrations."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > limit:
                    where = path.relative_to(root.parent)
                    found.append(f"{where}:{node.lineno} {node.name} ({lines} lines)")
    return found


def test_no_function_is_longer_than_80_lines():
    found = long_functions(SOURCE, MAX_LINES)
    assert not found, f"split these functions (over {MAX_LINES} lines):\n" + "\n".join(found)


def test_the_walk_finds_a_long_function_and_skips_migrations(tmp_path):
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_LINES))
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "big.py").write_text(f"def big():\n{body}", encoding="utf-8")
    (tmp_path / "pkg" / "migrations").mkdir()
    (tmp_path / "pkg" / "migrations" / "0001.py").write_text(
        f"def old():\n{body}", encoding="utf-8"
    )
    (tmp_path / "pkg" / "small.py").write_text(
        "class A:\n    def short(self):\n        return 1\n", encoding="utf-8"
    )
    assert long_functions(tmp_path / "pkg", MAX_LINES) == ["pkg/big.py:1 big (81 lines)"]
