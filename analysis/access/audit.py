"""The audit log: one line per thing a person did that changes or reveals data (an import, a register
replaced, a plan saved, adopted or exported, a phone number read whole, a login or a failed one).

Lines are only ever added: the database refuses to change or delete them (triggers of migration 0003).
"""
from __future__ import annotations

from typing import Literal, get_args

import pandas as pd
import sqlalchemy as sa

from analysis.store.database import Store
from analysis.store.tables import audit
from analysis.store.types import now_text

AuditAction = Literal["login", "login_failed", "logout", "import_incidents", "import_boundaries",
                      "replace_register", "fix_placement", "save_plan", "adopt_plan", "export_plan", "unmask_phone",
                      "add_user", "disable_user", "enable_user", "set_password"]
AUDIT_ACTIONS: tuple[AuditAction, ...] = get_args(AuditAction)
COLUMNS = ("audit_id", "at", "username", "street", "action", "target", "detail")
DISTRICT_ACTIONS = ("login", "login_failed", "logout", "add_user", "disable_user", "enable_user", "set_password")
"""Actions on the district's server itself, logged with street '' (the others with the store's street)."""


def record(store: Store, user: str, action: AuditAction, target: str = "", detail: str = "",
           conn: sa.Connection | None = None) -> None:
    """Add one line to the log (inside ``conn``'s transaction when given, so that it lands with the change
    it records or not at all), under the store's street unless the action is one of :data:`DISTRICT_ACTIONS`."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    row = {"at": now_text(), "username": user, "action": action, "target": target, "detail": detail,
           "street": "" if action in DISTRICT_ACTIONS else store.street_code}
    if conn is not None:
        conn.execute(audit.insert().values(**row))
        return
    with store.engine.begin() as own:
        own.execute(audit.insert().values(**row))


def read_log(store: Store, user: str | None = None, action: str | None = None, limit: int | None = None,
             street: str | None = None) -> pd.DataFrame:
    """The log, newest first (columns :data:`COLUMNS`), optionally of one user, one action or one street."""
    query = sa.select(audit).order_by(audit.c.audit_id.desc())
    if street is not None:
        query = query.where(audit.c.street == street)
    if user:
        query = query.where(audit.c.username == user)
    if action:
        query = query.where(audit.c.action == action)
    if limit is not None:
        query = query.limit(limit)
    with store.engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).mappings().all(), columns=list(COLUMNS))
    return frame.astype({"audit_id": "int64"})


def record_import(store: Store, user: str, kind: str, file_name: str, batch_id: int, rows_read: int,
                  rows_imported: int, rows_rejected: int) -> None:
    """The line of an import: incidents, a boundary version, or a register (``buildings``, ``workers``,
    ``volunteers``, ``services``) replaced."""
    action: AuditAction = ("import_incidents" if kind == "incidents" else "import_boundaries" if kind == "boundaries"
                           else "replace_register")
    record(store, user, action, f"{kind}: {file_name}",
           f"batch {batch_id}: read {rows_read}, imported {rows_imported}, rejected {rows_rejected}")
