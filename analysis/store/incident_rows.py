"""Incidents as rows of the store: an Arrow table with the store's columns, checked before writing."""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.store.tables import INCIDENT_COLUMNS, INCIDENT_TEXT, INCIDENT_TIMES, MATCH_METHODS

if TYPE_CHECKING:   # the report's type only: ingest writes through the store, never the reverse
    from analysis.ingest.problems import ProblemReport

# an import with no incidents: the columns incident_table needs, no rows
EMPTY_INCIDENTS = pd.DataFrame({c: pd.Series(dtype=float) for c in ("lon", "lat", "match_score", "distance_m",
                                                                     "source_row")})
ROW_BYTES = 400     # about what a stored incident takes in a staging file (the demo's export: 320 bytes of CSV)


class Placed(Protocol):
    """A part of an import, placed on grids, as the store takes it (:class:`~analysis.ingest.geocode.Geocoded` is
    one): ``incidents`` in the store's columns, ``review`` the lines of rows a person must look at, ``report`` the
    part's problem lines."""

    incidents: pd.DataFrame
    review: pd.DataFrame
    report: ProblemReport


def _timestamps(frame: pd.DataFrame, column: str) -> pa.Array:
    """datetime64 -> 'YYYY-MM-DD HH:MM:SS' text, null for NaT or an absent column (the form SQLite's date
    functions use)."""
    if column not in frame:
        return pa.nulls(len(frame), pa.string())
    return pc.cast(pa.array(frame[column].to_numpy(dtype="datetime64[s]")), pa.string())


def _strings(frame: pd.DataFrame, column: str) -> pa.Array:
    if column not in frame:
        return pa.array([""] * len(frame), type=pa.string())
    return pa.array(frame[column].fillna("").astype(str), type=pa.string())


def incident_table(frame: pd.DataFrame, batch_id: int, street: str) -> pa.Table:
    """The incidents of the street ``street`` as an Arrow table with the store's columns (text, NULL for missing
    numbers)."""
    def floats(column: str) -> pa.Array:
        return pa.array(frame[column].to_numpy(dtype=float), type=pa.float64(), from_pandas=True)

    columns = {
        "incident_id": _strings(frame, "incident_id"),
        **{c: _timestamps(frame, c) for c in INCIDENT_TIMES},
        **{c: _strings(frame, c) for c in INCIDENT_TEXT},
        "lon": floats("lon"), "lat": floats("lat"), "match_score": floats("match_score"),
        "distance_m": floats("distance_m"),
        "source_row": pa.array(frame["source_row"].to_numpy(dtype=np.int64)),
        "batch_id": pa.array(np.full(len(frame), batch_id, dtype=np.int64)),
        "street": pa.array([street] * len(frame), type=pa.string()),
    }
    return pa.table({name: columns[name] for name in INCIDENT_COLUMNS})


def python_values(column: pa.ChunkedArray) -> np.ndarray:
    """An Arrow column as Python objects for a DBAPI driver: None for nulls."""
    values: np.ndarray = column.to_numpy(zero_copy_only=False).astype(object)
    if column.null_count:
        values[column.is_null().to_numpy(zero_copy_only=False)] = None
    return values


def validate(frame: pd.DataFrame) -> None:
    """The rules the incidents table relies on; raises ValueError naming the first bad row."""
    rules = {
        "lon outside -180..180": ~(frame["lon"].isna() | frame["lon"].between(-180, 180)),
        "lat outside -90..90": ~(frame["lat"].isna() | frame["lat"].between(-90, 90)),
        "unknown match_method": ~frame["match_method"].fillna("").isin(("", *MATCH_METHODS)),
    }
    for rule, bad in rules.items():
        if bad.any():
            first = int(np.argmax(bad.to_numpy()))
            raise ValueError(f"incident {frame['incident_id'].iloc[first]}: {rule}")

