"""Who is using the page, and what their role lets them do (:mod:`analysis.access`).

In laptop mode there is no login: the one person is :data:`analysis.access.server.LOCAL_USER`, who may do
everything. In multi-user mode :func:`require_login` (called by ``ui.page.setup`` on every page) shows the
login form and stops the page, no figure drawn, until a user signs in; a login left unused for the
``session_idle_minutes`` setting signs out.
"""
from __future__ import annotations

import time

import streamlit as st

from analysis.access.audit import AuditAction, record
from analysis.access.roles import Action, allows
from analysis.access.server import LOCAL_USER, multiuser
from analysis.access.users import LoginRefused, User, authenticate, has_admin
from analysis.settings import load_settings
from ui.errors import guarded
from ui.formats import plain
from ui.i18n import t
from ui.loaders import store, streets

USER, SEEN, REFUSED = "auth_user", "auth_seen", "auth_refused"


def shared_server() -> bool:
    """Whether the dashboard runs in multi-user mode (:func:`analysis.access.server.multiuser`)."""
    return multiuser(load_settings())


def current_user() -> User | None:
    """The signed-in user (the laptop's one person outside multi-user mode; None before a login)."""
    if not shared_server():
        return LOCAL_USER
    user = st.session_state.get(USER)
    return user if isinstance(user, User) else None


def can(action: Action) -> bool:
    """Whether the page's user may do ``action``."""
    user = current_user()
    return user is not None and allows(user.role, action)


def who() -> str:
    """The name the audit log and a saved plan give the page's user."""
    user = current_user()
    return user.name if user is not None else ""


def audit(action: AuditAction, target: str = "", detail: str = "") -> None:
    """Write what the page's user just did to the audit log."""
    record(store(), who(), action, target, detail)


def role_label(role: str) -> str:
    """A role's name in the session's language."""
    return t(f"role_{role}")


def require_login() -> None:
    """Stop the page with the login form unless a user is signed in (multi-user mode only)."""
    settings = load_settings()
    if not multiuser(settings):
        return
    now, idle = time.time(), 60 * int(settings["session_idle_minutes"])
    if isinstance(st.session_state.get(USER), User) and now - float(st.session_state.get(SEEN, now)) > idle:
        audit("logout", detail="idle")
        del st.session_state[USER]
        st.session_state[REFUSED] = t("auth_expired", minutes=settings["session_idle_minutes"])
    if isinstance(st.session_state.get(USER), User):
        st.session_state[SEEN] = now
        return
    if not has_admin(store()):      # asked only before a login: a signed-in page run costs no query
        st.error(t("auth_no_admin"))
    else:
        _login_form()
    st.stop()


def _login_form() -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(f"{t('app_title')} · {t('auth_title')}")
        st.caption(t("auth_intro"))
        refused = st.session_state.pop(REFUSED, None)
        if refused:
            st.error(refused)
        with st.form("auth_form"):
            st.text_input(t("auth_name"), key="auth_name")
            st.text_input(t("auth_password"), type="password", key="auth_password")
            st.form_submit_button(t("auth_submit"), type="primary", on_click=_sign_in)


@guarded
def _sign_in() -> None:
    name, password = str(st.session_state.get("auth_name", "")).strip(), str(st.session_state.pop("auth_password", ""))
    try:
        st.session_state[USER] = authenticate(store(), name, password)
        st.session_state[SEEN] = time.time()
    except LoginRefused as refused:
        st.session_state[REFUSED] = t(f"auth_{refused.reason}", until=refused.until[:16].replace("T", " "))


@guarded
def sign_out() -> None:
    """End the session's login (the sidebar's button)."""
    audit("logout")
    st.session_state.pop(USER, None)


def sidebar_user() -> None:
    """Who is signed in, with the sign-out button (multi-user mode only)."""
    user = current_user()
    if user is None or user is LOCAL_USER:
        return
    listed = streets()
    names = dict(zip(listed["code"], listed["name"]))
    scope = t("auth_scope_street", street=plain(names.get(user.street, user.street))) if user.street \
        else t("auth_scope_district")
    st.caption(t("auth_signed_in", name=plain(user.name), role=role_label(user.role), scope=scope))
    st.button(t("auth_sign_out"), key="auth_sign_out", on_click=sign_out)


def page_allowed(action: Action | None) -> None:
    """Stop a page its user's role may not use, saying so."""
    user = current_user()
    if action is not None and not can(action):
        st.warning(t("auth_not_allowed", role=role_label(user.role if user else "viewer")))
        st.stop()
