"""The case lifecycle (案件生命周期) as data: a street's status, level and satisfaction words read through its
settings, and the columns every indicator relies on.

A case moves through the states of :data:`analysis.settings.State`: received (受理) → registered (立案) →
dispatched (派遣) → handling (处置中) → disposed (处置完成) → closed (结案), or leaves the flow as void (作废,
in no count at all) or deferred (缓办: not in the backlog, not overdue, and in 应结案数 only when
``deferred_in_due`` says so); returned (退回) sends a disposed case back for rework.

Reading rules, applied by :func:`lifecycle_columns` when a dataset is built (so a changed word table
reaches every page at once):

* ``state``: the status word through ``status_states`` (compared without spaces, case-blind); an empty or
  unknown word is decided by the times (closing time → closed; disposal time → disposed; else handling),
  and unknown words are reported.
* ``due_at`` becomes the deadline in force: ``extended_due_at`` (延期至) when given, else the deadline;
  ``extended`` marks the case.
* ``disposed_at``: the disposal time, else the closing time (a case is disposed by the time it is closed).
* ``closed_no_time``: the status says closed but no closing time is given (a data problem: the case is
  closed, at an unknown time, so never on time).
* ``handled_level``: the level word through ``handling_levels`` ('' when empty or unknown, unknown words
  reported); ``rating``: the satisfaction answer through ``satisfaction_words`` ('' when none).
* ``rework``: the number of times the case was sent back (返工次数, read as a number at import), at least 1
  for a case whose state is returned.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.settings import Settings

STATES = ("received", "registered", "dispatched", "handling", "disposed", "closed", "void", "deferred", "returned")
LEVELS = ("grid", "community", "street", "department")
RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")
DISPATCHED_STATES = ("dispatched", "handling", "disposed", "closed", "returned")
"""States of a case that has reached a handler (派遣数)."""


def word_key(word: str) -> str:
    """How words are compared: no spaces, lower case (``"已 结案 "`` and ``"已结案"`` are the same word)."""
    return re.sub(r"\s+", "", str(word)).lower()


def read_words(values: pd.Series, table: dict[str, str], meanings: tuple[str, ...]) -> tuple[np.ndarray, dict[str, int]]:
    """Each cell's meaning by a word table (each distinct word looked up once, not each cell).

    Returns
    -------
    codes : numpy.ndarray of int
        The position of each cell's meaning in ``meanings``; -1 for an empty cell or a word the table lacks.
    unknown : dict
        ``{word: cells}`` of the non-empty words the table lacks, most frequent first.
    """
    keyed = {word_key(k): v for k, v in table.items()}
    codes, words = pd.factorize(values)         # by the categories' codes, or Arrow's hash of the text: no object per cell
    text = [str(w).strip() for w in np.asarray(words, dtype=object)]
    position = {m: i for i, m in enumerate(meanings)}
    found = np.array([position.get(str(keyed.get(word_key(w))), -1) for w in text] + [-1], dtype=np.int64)
    read = found[np.where(codes >= 0, codes, len(text))]          # the last entry: an empty cell
    counts = np.bincount(codes[codes >= 0], minlength=len(text))
    unknown = {w: int(n) for w, f, n in zip(text, found, counts) if w and f < 0 and n}
    return read, dict(sorted(unknown.items(), key=lambda kv: -kv[1]))


@dataclass
class LifecycleReport:
    """What could not be read: unknown words by column, and closed cases without a closing time."""

    unknown: dict[str, dict[str, int]] = field(default_factory=dict)
    closed_no_time: int = 0


def _times(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame:
        return pd.to_datetime(frame[column], errors="coerce")
    return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]")


def lifecycle_columns(incidents: pd.DataFrame, settings: Settings) -> tuple[pd.DataFrame, LifecycleReport]:
    """Add the lifecycle columns (see the module rules) to a frame of stored incidents.

    Parameters
    ----------
    incidents : pandas.DataFrame
        ``status``, ``due_at``, ``closed_at``, and when stored ``extended_due_at``, ``disposed_at``,
        ``handled_level``, ``satisfaction``, ``reopened``.
    settings : dict
        ``status_states``, ``handling_levels``, ``satisfaction_words``.

    Returns
    -------
    frame : pandas.DataFrame
        A copy with ``state``, ``extended``, ``closed_no_time``, ``rating``, ``rework`` added and
        ``due_at``, ``disposed_at``, ``handled_level`` as read.
    report : LifecycleReport
    """
    out = incidents.copy(deep=False)
    report = LifecycleReport()
    closed_at, disposed_at = _times(out, "closed_at"), _times(out, "disposed_at")
    empty = pd.Series("", index=out.index)
    state, report.unknown["status"] = read_words(out.get("status", empty), settings["status_states"], STATES)
    by_time = np.where(closed_at.notna(), STATES.index("closed"),
                       np.where(disposed_at.notna(), STATES.index("disposed"), STATES.index("handling")))
    state = np.where(state >= 0, state, by_time)
    out["state"] = pd.Categorical.from_codes(state, categories=pd.Index(STATES))
    out["closed_no_time"] = (state == STATES.index("closed")) & closed_at.isna().to_numpy()
    report.closed_no_time = int(out["closed_no_time"].sum())

    extended_to = _times(out, "extended_due_at")
    out["extended"] = extended_to.notna().to_numpy()
    out["due_at"] = extended_to.where(extended_to.notna(), _times(out, "due_at")).astype("datetime64[s]")
    out["disposed_at"] = disposed_at.where(disposed_at.notna(), closed_at).astype("datetime64[s]")

    for column, table, kinds, name in (("handled_level", "handling_levels", LEVELS, "handled_level"),
                                       ("satisfaction", "satisfaction_words", RATINGS, "rating")):
        codes, report.unknown[column] = read_words(out.get(column, empty), settings[table], ("", *kinds))
        out[name] = pd.Categorical.from_codes(np.maximum(codes, 0), categories=pd.Index(["", *kinds]))  # unread: ''
    codes, given = pd.factorize(out.get("reopened", empty))     # a few distinct counts
    per = pd.to_numeric(pd.Series(given, dtype=object), errors="coerce").fillna(0).clip(lower=0).astype(int)
    count = np.append(per.to_numpy(), 0)[np.where(codes >= 0, codes, len(per))]
    out["rework"] = np.where(state == STATES.index("returned"), np.maximum(count, 1), count)
    return out, report
