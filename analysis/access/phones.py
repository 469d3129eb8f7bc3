"""Reading a case's whole phone number: only with a reason, and never without an audit line."""
from __future__ import annotations

import sqlalchemy as sa

from analysis.access.audit import record
from analysis.store.database import Store
from analysis.store.tables import incidents

MIN_REASON = 4   # characters of the reason a reading needs


def reveal_phone(store: Store, incident_id: str, user: str, reason: str) -> str:
    """The reporter's phone number of case ``incident_id`` ('' when it has none), written to the audit log
    with ``user`` and ``reason`` in the same transaction.

    Raises
    ------
    ValueError
        When the reason is shorter than :data:`MIN_REASON` characters.
    LookupError
        When no case has that id (nothing is logged).
    """
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ValueError(f"a reason of at least {MIN_REASON} characters is needed")
    with store.engine.begin() as conn:
        phone = conn.execute(sa.select(incidents.c.reporter_phone).where(
            store.mine(incidents) & (incidents.c.incident_id == incident_id))).scalar_one_or_none()
        if phone is None:
            raise LookupError(incident_id)
        record(store, user, "unmask_phone", incident_id, reason, conn=conn)
    return str(phone)
