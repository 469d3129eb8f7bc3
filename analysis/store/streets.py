"""The streets (街道) one database holds: their codes and names.

A laptop's store holds one street, ``local``, added by its first write. A district's server holds many:
each is added once (``python -m analysis street add CODE --name NAME``) before anything is imported into it,
so that a mistyped code is refused instead of starting a street of its own.
"""
from __future__ import annotations

import re

import pandas as pd
import sqlalchemy as sa

from analysis.store.errors import StoreError
from analysis.store.tables import LOCAL_STREET, streets
from analysis.store.types import now_text

CODE = re.compile(r"[0-9A-Za-z_-]{1,40}")   # an administrative code (430103007) or a short name of letters
LOCAL_NAME = "本街道"


def check_code(code: str) -> str:
    """``code`` when it is a street code (digits, letters, '-', '_'; at most 40); else ValueError."""
    if not CODE.fullmatch(code):
        raise ValueError(f"not a street code: {code!r} (digits, letters, '-' or '_')")
    return code


def known_street(conn: sa.Connection, code: str) -> None:
    """Before a write for the street ``code``: the laptop's street is added when missing; another street must
    have been added (:func:`add_street`), else StoreError ``unknown_street``."""
    if conn.execute(sa.select(streets.c.code).where(streets.c.code == code)).first() is not None:
        return
    if code != LOCAL_STREET:
        raise StoreError("unknown_street", detail=code)
    conn.execute(streets.insert().values(code=code, name=LOCAL_NAME, created_at=now_text()))


def add_street(engine: sa.Engine, code: str, name: str) -> bool:
    """Add the street ``code`` named ``name``, or rename it when it exists; returns True when it was added."""
    name = name.strip()
    if not name:
        raise ValueError("a street needs a name")
    with engine.begin() as conn:
        if conn.execute(sa.select(streets.c.code).where(streets.c.code == check_code(code))).first() is not None:
            conn.execute(sa.update(streets).where(streets.c.code == code).values(name=name))
            return False
        conn.execute(streets.insert().values(code=code, name=name, created_at=now_text()))
        return True


def list_streets(engine: sa.Engine) -> pd.DataFrame:
    """Every street: code, name, created_at, in code order."""
    return pd.read_sql(sa.select(streets).order_by(streets.c.code), engine)
