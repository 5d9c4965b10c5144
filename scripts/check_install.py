"""Check an installed copy of the product (run with the venv's python, from outside the checkout).

Imports every module of every package from where pip installed it (not from a source tree), checks
that the data files the product reads at run time were installed, and runs ``dialer --help``,
printing how long it took. Exits non-zero, naming what is missing, if anything fails. CI runs it on
the runtime install (``pip install .``, no extras), so a module that needs a package declared only
in an extra fails here.
"""

from __future__ import annotations

import importlib
import pkgutil
import shutil
import subprocess
import sys
import time
from pathlib import Path

PACKAGES = ("dialer", "ami", "agi", "recordings", "api", "pbxsim")
DATA_FILES = {
    "dialer": (
        "migrations/env.py",
        "migrations/script.py.mako",
        "migrations/versions/0001_initial_schema.py",
    ),
    "pbxsim": ("scenarios/demo.toml",),
    "api": (
        "templates/base.html",
        "templates/operator.html",
        "static/dialer.js",
        "static/dialer.css",
        "static/operator.js",
        "static/operator.css",
        "templates/supervisor.html",
        "static/supervisor.js",
        "static/supervisor.css",
    ),
}


def main() -> int:
    problems: list[str] = []
    checkout = Path(__file__).resolve().parent.parent
    imported = 0
    for name in PACKAGES:
        package = importlib.import_module(name)
        where = Path(package.__file__ or "").resolve().parent
        if where == checkout / name:
            problems.append(f"{name} was imported from the checkout ({where}), not from the install")
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            try:
                importlib.import_module(module.name)
                imported += 1
            except Exception as error:  # every failure is reported, not just the first
                problems.append(f"import {module.name}: {type(error).__name__}: {error}")
        for relative in DATA_FILES.get(name, ()):
            if not (where / relative).is_file():
                problems.append(f"{name}/{relative} was not installed")
    command = shutil.which("dialer", path=str(Path(sys.executable).parent))
    if command is None:
        problems.append("no dialer command beside this python")
    else:
        start = time.perf_counter()
        result = subprocess.run([command, "--help"], capture_output=True, text=True)
        took = time.perf_counter() - start
        if result.returncode != 0 or "serve" not in result.stdout:
            problems.append(f"dialer --help failed ({result.returncode}): {result.stderr.strip()}")
        print(f"check_install: dialer --help answered in {took:.2f} s")
    print(f"check_install: {imported} modules of {', '.join(PACKAGES)} imported from the install")
    for problem in problems:
        print(f"check_install: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
