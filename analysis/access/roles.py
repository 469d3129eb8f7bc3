"""Roles and what each may do.

* ``viewer``: reads every page; phone numbers masked (as they are for everyone).
* ``analyst``: also redraws divisions and saves plans.
* ``data_manager``: also imports incidents and boundaries, replaces registers, works the review queue.
* ``admin``: everything: users, making a plan the current division, reading a case's whole phone number
  (with a reason, audited), reading the audit log.

A user belongs to one street (its code) or, with no street, to the whole district.
"""
from __future__ import annotations

from typing import Literal, get_args

Role = Literal["viewer", "analyst", "data_manager", "admin"]
Action = Literal["view", "redraw", "save_plan", "import", "review", "adopt_plan", "manage_users", "unmask_phone",
                 "read_audit"]
ROLES: tuple[Role, ...] = get_args(Role)
ACTIONS: tuple[Action, ...] = get_args(Action)

ALLOWED: dict[Role, frozenset[Action]] = {
    "viewer": frozenset({"view"}),
    "analyst": frozenset({"view", "redraw", "save_plan"}),
    "data_manager": frozenset({"view", "import", "review"}),
    "admin": frozenset(ACTIONS),
}


def allows(role: str, action: Action) -> bool:
    """Whether ``role`` may do ``action`` (an unknown role may do nothing)."""
    return action in ALLOWED.get(role, frozenset())  # type: ignore[call-overload]
