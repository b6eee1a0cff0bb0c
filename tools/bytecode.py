"""Bytecode in the deployment package, so a cold start does not compile Python.

Chalice's zip holds only sources, and Lambda's code directory is read-only: every cold start
would compile each module it imports (pydantic, botocore, Jinja, ours) and throw the result
away. The package step adds ``__pycache__/*.pyc`` for every module, compiled by this
interpreter (the runtime Chalice chose is this Python's version) as unchecked-hash pycs: the
bundle never changes after it is built, so Python need not compare them with the sources.
"""

from __future__ import annotations

import compileall
import py_compile
import sys
import tempfile
import zipfile
from pathlib import Path

__all__ = ["add_bytecode", "RUNTIME"]

RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"


def add_bytecode(bundle: Path) -> int:
    """Append a .pyc for each .py of ``bundle`` (a Lambda zip); returns how many."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(bundle) as source:
            present = set(source.namelist())
            if any(name.startswith("__pycache__/app.") for name in present):
                return 0  # already done (a wheel may ship a stray .pyc of its own: numpy does)
            sources = [n for n in present if n.endswith(".py")]
            source.extractall(root, members=sources)
        compileall.compile_dir(
            root,
            quiet=2,
            workers=0,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        compiled = [
            pyc
            for pyc in sorted(root.rglob("*.pyc"))
            if pyc.relative_to(root).as_posix() not in present
        ]
        with zipfile.ZipFile(bundle, "a", compression=zipfile.ZIP_DEFLATED) as target:
            for pyc in compiled:
                target.write(pyc, pyc.relative_to(root).as_posix())
    return len(compiled)
