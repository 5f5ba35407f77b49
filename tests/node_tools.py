"""Node tools the tests run (tests/http-audit, tests/schema-lint): each a folder with its
package.json and a package-lock.json pinning what it installs.

The dependencies are installed from the lockfile only when missing, so a machine that has them
needs no network. Without node or npm a test is skipped on a developer's machine and fails in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def tool(name: str, needed_for: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} is needed for {needed_for} but is not on PATH"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def node_with(folder: Path, package: str) -> str:
    """The node binary, with `folder`'s dependencies installed (npm ci) if `package` is not."""
    needed_for = f"the tool in tests/{folder.name}"
    node = tool("node", needed_for)
    if not (folder / "node_modules" / package).is_dir():
        npm = tool("npm", needed_for)
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=folder, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"npm ci in {folder} failed:\n{done.stdout}\n{done.stderr}"
    return node
