"""Shared fixtures. Tests that take `store` run against every backend available."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the helper modules beside the tests

from graphsvc.store import EmbeddedStore  # noqa: E402


@pytest.fixture
def store(tmp_path):
    s = EmbeddedStore(tmp_path / "store.db")
    yield s
    s.close()


@pytest.fixture
def live(store, tmp_path):
    from live import LiveServer, make_service

    with LiveServer(make_service(store, tmp_path / "store.db"), tmp_path / "store.db") as server:
        yield server
