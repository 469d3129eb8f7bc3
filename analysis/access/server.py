"""The two ways GridLens runs.

* **One person's laptop** (the default of ``make run``): no login; the one user may do everything
  and the server listens on 127.0.0.1 only, so no one else on the network reaches it.
* **The district server** (``GRIDLENS_MULTIUSER=1``, or the setting ``multiuser``): every page asks
  for a login, each user sees what the role allows, and the server listens on every interface. It
  refuses to start until an admin exists (``python -m analysis user add NAME --role admin …``).
"""
from __future__ import annotations

import os

from analysis.access.users import User
from analysis.settings import Settings

LOCAL_USER = User("local", "admin")
"""The one person of the laptop mode (the audit log names them ``local``)."""
TRUE_WORDS = ("1", "true", "yes", "on")


def multiuser(settings: Settings) -> bool:
    """Whether this server runs in multi-user mode (``$GRIDLENS_MULTIUSER`` set true, or the setting)."""
    return os.environ.get("GRIDLENS_MULTIUSER", "").strip().lower() in TRUE_WORDS or bool(settings["multiuser"])


def bind_address(settings: Settings) -> str:
    """The address the dashboard listens on: every interface in multi-user mode, this machine only otherwise."""
    return "0.0.0.0" if multiuser(settings) else "127.0.0.1"
