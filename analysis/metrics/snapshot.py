"""Datasets kept on disk: a boundary version's attributed frames, read back instead of rebuilt.

Building a :class:`~analysis.metrics.dataset.Dataset` reads every stored incident and places it on
the version's grids (at a million incidents and 5,000 grids, about 16 s of which 6.5 s is SQLite's
read and 4.5 s the placing). The result depends only on the store's data, the boundary version,
the settings and the code, so it is written once as Arrow IPC files (Feather, LZ4) and read back
by every later process (a restarted server, another worker, the CLI) in about a second.

A snapshot is named by a hash of everything it was built from (:func:`snapshot_key`):

* the store (its URL, the password hidden) and street;
* the version id;
* the store's revision (:func:`analysis.store.status.revision`: newest batch, fixes, newest version;
  it changes with every import, register, fix and boundary version, and never goes back);
* the settings, as loaded;
* the source the dataset is built by: :mod:`analysis.metrics.dataset` and every ``analysis`` module it
  imports, directly or not (:func:`source_closure`; a release that changes any of them rebuilds once, one
  that changes only reports, maps, redrawing or the pages does not).

So a snapshot is never stale: anything that would change the dataset changes its name. Older
snapshots of the same street and version are removed when a new one is written. A snapshot that
cannot be read (a half-removed folder, a file from another version of pyarrow) is rebuilt.
Snapshots live beside a SQLite store (``<file>.snapshots/``), or in ``$GRIDLENS_SNAPSHOTS`` (default
``geodata/local/snapshots/<store>/``) for a server store; an in-memory store has none.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import shapely
import sqlalchemy as sa

from analysis.metrics.lifecycle import LifecycleReport
from analysis.settings import PROJECT_ROOT, Settings
from analysis.store import status
from analysis.store.database import Store

if TYPE_CHECKING:   # the dataset module reads and writes snapshots
    from analysis.metrics.dataset import Dataset

FRAMES = ("incidents", "wishes", "buildings", "workers", "volunteers", "services")
GEO_FRAMES = ("grids", "communities", "micro")
META = "dataset.json"


BUILT_BY = "analysis.metrics.dataset"
"""The module that builds a dataset: the snapshot's code is its source and that of every module it imports."""


def _module_file(root: Path, name: str) -> Path | None:
    """The source file of module ``name`` under ``root`` (a package's ``__init__.py``), or None (not a module)."""
    base = root.joinpath(*name.split("."))
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)


def source_closure(root: Path = PROJECT_ROOT, start: str = BUILT_BY) -> list[Path]:
    """The source files of module ``start`` and of every ``analysis`` module it imports, directly or through
    another, read from their import statements (those inside functions and type-checking blocks too), sorted.

    A package's ``__init__.py`` counts only where a module imports from the package itself: the parent
    packages Python runs on the way (``analysis/metrics/__init__.py`` re-exports the metrics) build nothing.
    """
    found: set[Path] = set()
    waiting = [start]
    while waiting:
        path = _module_file(root, waiting.pop())
        if path is None or path in found:
            continue
        found.add(path)
        for node in import_statements(ast.parse(path.read_bytes()).body):
            if isinstance(node, ast.Import):
                waiting += [alias.name for alias in node.names if alias.name.split(".")[0] == "analysis"]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "analysis":
                waiting += [node.module or "", *(f"{node.module}.{alias.name}" for alias in node.names)]
    return sorted(found)


def import_statements(statements: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements among ``statements`` and in every block they hold (functions, classes, ``if``,
    ``try``, ``with``, loops, ``match``), in order. Only statements are visited, not the expressions that make up
    most of a tree: :func:`source_closure` reads its 28 modules in 0.07 s instead of 0.16 s with :func:`ast.walk`,
    on every start of a server (its first page waits for it)."""
    for node in statements:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        for field in ("body", "handlers", "orelse", "finalbody", "cases"):
            block = getattr(node, field, None)
            if isinstance(block, list):
                yield from import_statements(block)


@lru_cache(maxsize=4)
def code_digest(root: Path = PROJECT_ROOT) -> str:
    """A hash of the source the dataset is built by (:func:`source_closure` under ``root``, the project's
    folder; computed once per process)."""
    digest = hashlib.sha256()
    for path in source_closure(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def snapshot_folder(store: Store) -> Path | None:
    """Where ``store``'s snapshots live (None for an in-memory SQLite store)."""
    url = sa.engine.make_url(store.url)
    if url.get_backend_name() == "sqlite":
        return Path(f"{url.database}.snapshots") if url.database and url.database != ":memory:" else None
    root = Path(os.environ.get("GRIDLENS_SNAPSHOTS") or PROJECT_ROOT / "geodata" / "local" / "snapshots")
    return root / hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]


def snapshot_key(store: Store, version: int, settings: Settings) -> str:
    """The name of the snapshot of ``store``'s street at boundary ``version``: ``{street}-v{version}-{hash}``
    (see the module docstring for what the hash covers)."""
    parts = [sa.engine.make_url(store.url).render_as_string(hide_password=True), store.street_code, str(version),
             status.revision(store), json.dumps(settings, sort_keys=True, default=str), code_digest()]
    return f"{store.street_code}-v{version}-{hashlib.sha256(chr(0).join(parts).encode()).hexdigest()[:24]}"


def read_snapshot(folder: Path) -> dict[str, Any] | None:
    """The fields of the dataset written in ``folder`` (all but its anchor, which depends on the clock), or None
    when there is none or it cannot be read."""
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        # each column's Arrow copy freed as pandas takes it: at 10M the incidents' whole copy raised the peak by 0.5 GB
        frames = {name: feather.read_table(folder / f"{name}.arrow").to_pandas(self_destruct=True, split_blocks=True)
                  for name in FRAMES}
        geo = {name: gpd.read_feather(folder / f"{name}.arrow") for name in GEO_FRAMES}
        frames = {name: _restore_dtypes(frame, meta["dtypes"][name]) for name, frame in frames.items()}
        geo = {name: _restore_dtypes(frame, meta["dtypes"][name]) for name, frame in geo.items()}
    except (OSError, ValueError, KeyError, pa.ArrowException):
        return None
    street = shapely.from_wkb(bytes.fromhex(meta["street"])) if meta["street"] else None
    return {**frames, **geo, "street": street, "version_id": meta["version_id"], "void": meta["void"],
            "lifecycle": LifecycleReport(**meta["lifecycle"])}


def write_snapshot(ds: Dataset, folder: Path) -> bool:
    """Write ``ds`` as the snapshot ``folder`` (atomically: into a temporary folder renamed at the end), and
    remove the older snapshots of the same street and version. False when it cannot be written (a frame
    Arrow cannot hold, such as a column of mixed types, or a folder this process may not write): the dataset
    is then built by the next process too."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    except OSError:          # a folder this process may not write: every load builds
        return False
    try:
        dtypes = {}
        for name in (*FRAMES, *GEO_FRAMES):
            frame = getattr(ds, name)
            dtypes[name] = {str(column): _dtype_text(dtype) for column, dtype in frame.dtypes.items()}
            if name in GEO_FRAMES:
                frame.to_feather(work / f"{name}.arrow")
            else:
                feather.write_feather(frame, work / f"{name}.arrow")
        meta = {"version_id": ds.version_id, "void": ds.void, "lifecycle": asdict(ds.lifecycle), "dtypes": dtypes,
                "street": shapely.to_wkb(ds.street).hex() if ds.street is not None else ""}
        (work / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.rename(work, folder)
    except (OSError, ValueError, TypeError, pa.ArrowException):
        shutil.rmtree(work, ignore_errors=True)   # another process wrote it first, or a frame has mixed types
        return False
    prefix = folder.name.rsplit("-", 1)[0] + "-"
    for older in folder.parent.glob(f"{prefix}*"):
        if older != folder and not older.name.startswith("."):
            shutil.rmtree(older, ignore_errors=True)
    return True


def _dtype_text(dtype: Any) -> Any:
    """A column's dtype as JSON: its name, or for a categorical its categories and their dtype (Arrow keeps the
    categories of a column with rows, not of an empty one)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return {"categories": dtype.categories.tolist(), "dtype": str(dtype.categories.dtype)}
    return str(dtype)


def _restore_dtypes(frame: pd.DataFrame, dtypes: dict[str, Any]) -> pd.DataFrame:
    """Columns back to the dtypes the dataset had: text that Arrow reads as pandas' string dtype back to objects,
    the categories of an empty frame's categoricals."""
    for column, dtype in dtypes.items():
        if dtype == "object" and frame[column].dtype != object:
            frame[column] = frame[column].astype(object)
        elif isinstance(dtype, dict) and len(frame[column].cat.categories) != len(dtype["categories"]):
            categories = pd.Index(dtype["categories"], dtype=dtype["dtype"])
            frame[column] = frame[column].astype(pd.CategoricalDtype(categories))
    return frame


def snapshot_stats(folder: Path) -> dict[str, Any]:
    """Files and bytes of a snapshot (for the benchmarks)."""
    files = list(folder.glob("*"))
    return {"files": len(files), "bytes": sum(f.stat().st_size for f in files)}
