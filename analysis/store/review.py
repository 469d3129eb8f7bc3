"""The review queue: which stored review rows still await a person."""
from __future__ import annotations

import pandas as pd


def pending_review(review: pd.DataFrame, stored_batch: pd.Series, fixed: set[str]) -> pd.DataFrame:
    """The review rows that still await a person, in the order they were queued.

    Parameters
    ----------
    review : pandas.DataFrame
        Every stored review row (``review_id``, ``batch_id``, ``incident_id``, ``raw``, ...).
    stored_batch : pandas.Series
        The batch that last wrote each stored incident, indexed by ``incident_id``.
    fixed : set of str
        Incident ids a person has placed by hand.

    Returns
    -------
    pandas.DataFrame
        For an incident id: the rows of the latest batch that mentions it, unless a later import
        placed it or a manual fix resolved it. Rejected rows without an id: once per distinct raw
        row (re-importing the same file does not queue them twice).
    """
    has_id = review["incident_id"] != ""
    with_id = review[has_id & ~review["incident_id"].isin(fixed)]
    if len(with_id):
        latest = with_id.groupby("incident_id")["batch_id"].transform("max")
        with_id = with_id[with_id["batch_id"] == latest]
        written = with_id["incident_id"].map(stored_batch).astype(float)
        with_id = with_id[~(written > with_id["batch_id"])]   # placed by a later import
    no_id = review[~has_id].drop_duplicates("raw", keep="last")
    return pd.concat([with_id, no_id]).sort_values("review_id").reset_index(drop=True)
