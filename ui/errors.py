"""The error boundary: no traceback reaches a user.

Every page runs inside :func:`run_page` and every button's callback inside :func:`guarded`. A failure
is written to the server's log with its traceback and a short reference; the user sees what happened
in words (in the session's language), what to do, and the reference to quote. Problems of the store
(locked, disk full, read-only, damaged, not allowed) get their own message (``analysis.store.errors``).
``client.showErrorDetails`` is off in ``.streamlit/config.toml``, so even an error outside these
boundaries shows no details.
"""
from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from typing import ParamSpec

import streamlit as st

from analysis.report.fonts import FontMissing
from analysis.settings import SettingsError
from analysis.store.errors import store_problem
from ui.formats import plain
from ui.i18n import t

LOG = logging.getLogger("gridlens")
FLASH = "error_flash"   # a failed callback's message, shown at the top of the page drawn next
P = ParamSpec("P")


def explain(err: BaseException) -> str:
    """The message for ``err``: what happened and what to do, with a reference to the server's log."""
    reference = uuid.uuid4().hex[:8]
    LOG.error("GridLens error %s", reference, exc_info=(type(err), err, err.__traceback__))
    if isinstance(err, FontMissing):
        return plain(str(err))
    if isinstance(err, SettingsError):
        return t("err_settings", detail=plain(str(err))) + " " + t("err_reference", ref=reference)
    kind = store_problem(err)
    return t(f"err_store_{kind}" if kind else "err_unexpected") + " " + t("err_reference", ref=reference)


def run_page(render: Callable[[], None]) -> None:
    """Draw a page with :func:`render`; a failure becomes a message instead of a traceback."""
    try:
        render()
    except Exception as err:  # noqa: BLE001 - the boundary: every failure is logged and explained
        st.error(explain(err))


def guarded(callback: Callable[P, object]) -> Callable[P, None]:
    """A widget callback whose failure becomes a message on the page drawn next (not a traceback)."""
    @functools.wraps(callback)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            callback(*args, **kwargs)
        except Exception as err:  # noqa: BLE001 - the boundary for callbacks
            st.session_state[FLASH] = explain(err)
    return run


def show_flash() -> None:
    """The message of a callback that failed before this run, once."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.error(message)
