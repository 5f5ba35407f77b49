"""The offline initial load of an empty Neo4j database (`graphsvc initial-load`): the file is
validated exactly as `graphsvc import` validates it (bulk.import_file), into the import
tool's files (store/neo4j/initial_load.py: LoadFiles), which the operator's load command then
loads. Here, not in the adapter, because it joins the import use case to the adapter's files
(an adapter never calls back into the domain's use cases)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from .bulk import import_file
from .store.neo4j.initial_load import ARGS, LoadError, LoadFiles, Written, reopen, run

__all__ = ["ARGS", "LoadError", "LoadFiles", "Written", "reopen", "run", "write"]


def write(path: str | Path, folder: str | Path, progress: Optional[bool] = None, audit_entry: Optional[dict] = None) -> Written:
    """Validate the JSON Lines file as `graphsvc import` does and write the load's files into
    `folder` (made if missing). Raises IngestError naming every bad record; then the folder
    holds no import.args, so nothing half-written can be loaded."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ARGS).unlink(missing_ok=True)
    files = LoadFiles(folder)
    result = import_file(files, path, progress=progress, exports=False)  # type: ignore[arg-type]
    return files.finish(result.written, audit_entry)
