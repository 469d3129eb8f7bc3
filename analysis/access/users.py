"""The server's users: names, roles, streets and argon2id password hashes, in the store's ``users`` table.

A login that fails :data:`LOCKOUT_FAILURES` times in a row locks the name for :data:`LOCKOUT_MINUTES`
minutes; every login and failed login is written to the audit log in the transaction that counts it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Literal

import pandas as pd
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from analysis.access.audit import record
from analysis.access.roles import ROLES
from analysis.store.database import Store
from analysis.store.tables import users
from analysis.store.types import now_text

LOCKOUT_FAILURES = 5     # failed logins in a row that lock a name
LOCKOUT_MINUTES = 15     # minutes a locked name stays locked
MIN_PASSWORD = 8         # characters
HASHER = PasswordHasher()   # argon2id with the library's recommended cost
LIST_COLUMNS = ("name", "role", "street", "disabled", "failed_logins", "locked_until", "created_at")

Refusal = Literal["wrong", "locked", "disabled"]


@cache
def _dummy_hash() -> str:
    """A hash verified against when the name is unknown, so that an unknown name takes as long as a wrong
    password; made at the first such login (hashing takes about 0.5 s: not when a server starts)."""
    return HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    """A person signed in: ``street`` is a street's code, '' for the whole district."""

    name: str
    role: str
    street: str = ""


class LoginRefused(Exception):
    """A login was refused: ``reason`` is ``wrong`` (unknown name or wrong password; which one is not
    said), ``locked`` (until ``until``) or ``disabled``."""

    def __init__(self, reason: Refusal, until: str = ""):
        super().__init__(reason)
        self.reason, self.until = reason, until


class UserError(ValueError):
    """A user cannot be added or changed as asked (the message says why)."""


def _check(name: str, role: str) -> None:
    if not name or len(name) > 64 or name != name.strip():
        raise UserError(f"a user name is 1-64 characters without spaces at either end, got {name!r}")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r} (roles: {', '.join(ROLES)})")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password has at least {MIN_PASSWORD} characters")


def add_user(store: Store, name: str, role: str, password: str, street: str = "", by: str = "") -> User:
    """Add a user; raises :class:`UserError` for a bad name, role or password, or a name already taken."""
    _check(name, role)
    _check_password(password)
    with store.engine.begin() as conn:
        if conn.execute(sa.select(users.c.name).where(users.c.name == name)).first() is not None:
            raise UserError(f"the user {name!r} exists already")
        conn.execute(users.insert().values(name=name, role=role, street=street.strip(),
                                           password_hash=HASHER.hash(password), disabled=False, failed_logins=0,
                                           locked_until="", created_at=now_text()))
        record(store, by, "add_user", name, f"role={role} street={street.strip() or '*'}", conn=conn)
    return User(name, role, street.strip())


def set_disabled(store: Store, name: str, disabled: bool, by: str = "") -> None:
    """Disable a user (they can no longer sign in) or enable them again; raises :class:`UserError` when the
    name is unknown."""
    with store.engine.begin() as conn:
        changed = conn.execute(users.update().where(users.c.name == name).values(
            disabled=disabled, failed_logins=0, locked_until="")).rowcount
        if not changed:
            raise UserError(f"no user {name!r}")
        record(store, by, "disable_user" if disabled else "enable_user", name, conn=conn)


def set_password(store: Store, name: str, password: str, by: str = "") -> None:
    """Give a user a new password (and lift a lockout)."""
    _check_password(password)
    with store.engine.begin() as conn:
        changed = conn.execute(users.update().where(users.c.name == name).values(
            password_hash=HASHER.hash(password), failed_logins=0, locked_until="")).rowcount
        if not changed:
            raise UserError(f"no user {name!r}")
        record(store, by, "set_password", name, conn=conn)


def list_users(store: Store) -> pd.DataFrame:
    """Every user (columns :data:`LIST_COLUMNS`; no hash), by name."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(*(users.c[c] for c in LIST_COLUMNS)).order_by(users.c.name)).all()
    return pd.DataFrame(rows, columns=list(LIST_COLUMNS))


def has_admin(store: Store) -> bool:
    """Whether an enabled admin exists (a multi-user server refuses to start without one)."""
    with store.engine.connect() as conn:
        return conn.execute(sa.select(users.c.name).where(users.c.role == "admin", sa.not_(users.c.disabled))
                            ).first() is not None


def authenticate(store: Store, name: str, password: str, now: datetime | None = None) -> User:
    """The user ``name`` when ``password`` is theirs; otherwise raises :class:`LoginRefused`.

    A locked name is refused without its password being tried. A wrong password counts towards the
    lockout; a right one clears the count. Both are written to the audit log.
    """
    now = now or datetime.now()
    with store.engine.begin() as conn:   # the count and the audit line are written even when the login fails
        row = conn.execute(sa.select(users).where(users.c.name == name)).mappings().first()
        refusal, detail = _refusal(conn, row, password, now)
        record(store, name, "login_failed" if refusal else "login", name, detail, conn=conn)
    if refusal is not None:
        raise refusal
    assert row is not None
    return User(name, row["role"], row["street"])


def _refusal(conn: sa.Connection, row: sa.RowMapping | None, password: str, now: datetime
             ) -> tuple[LoginRefused | None, str]:
    """Why a login is refused (None: it is not) and the audit line's detail; counts failures, locks, clears."""
    if row is None:
        _matches(_dummy_hash(), password)
        return LoginRefused("wrong"), "unknown name"
    if row["locked_until"] and datetime.fromisoformat(row["locked_until"]) > now:
        return LoginRefused("locked", row["locked_until"]), "locked"
    mine = users.update().where(users.c.name == row["name"])
    if not _matches(row["password_hash"], password):
        failures = int(row["failed_logins"]) + 1
        if failures >= LOCKOUT_FAILURES:
            until = (now + timedelta(minutes=LOCKOUT_MINUTES)).isoformat(timespec="seconds")
            conn.execute(mine.values(failed_logins=0, locked_until=until))
            return LoginRefused("locked", until), f"wrong password ({failures} in a row), locked until {until}"
        conn.execute(mine.values(failed_logins=failures))
        return LoginRefused("wrong"), f"wrong password ({failures} in a row)"
    if row["disabled"]:
        return LoginRefused("disabled"), "disabled"
    values: dict[str, object] = {"failed_logins": 0, "locked_until": ""}
    if HASHER.check_needs_rehash(row["password_hash"]):
        values["password_hash"] = HASHER.hash(password)
    conn.execute(mine.values(**values))
    return None, ""


def _matches(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
