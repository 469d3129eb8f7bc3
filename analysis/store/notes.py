"""The weekly meeting's decisions and notes (周例会纪要): one text per ISO week, kept across restarts."""
from __future__ import annotations

import sqlalchemy as sa

from analysis.store.database import Store
from analysis.store.tables import meeting_notes
from analysis.store.types import now_text


def week_notes(store: Store, week: str) -> str:
    """The notes saved for ``week`` ('2026-W47'); '' when none were saved."""
    with store.engine.connect() as conn:
        text = conn.execute(sa.select(meeting_notes.c.text).where(
            store.mine(meeting_notes) & (meeting_notes.c.week == week))).scalar_one_or_none()
    return text or ""


def save_week_notes(store: Store, week: str, text: str) -> None:
    """Keep ``text`` as the notes of ``week`` (replacing what was saved before; '' clears them)."""
    with store.transaction() as conn:
        conn.execute(meeting_notes.delete().where(store.mine(meeting_notes) & (meeting_notes.c.week == week)))
        if text.strip():
            conn.execute(meeting_notes.insert().values(street=store.street_code, week=week, text=text.strip(),
                                                       saved_at=now_text()))
