"""用户与审计 Users and audit: the server's users, reading a whole phone number for a reason, the audit log."""
import pandas as pd
import streamlit as st

from analysis.access.audit import AUDIT_ACTIONS, read_log
from analysis.access.phones import reveal_phone
from analysis.access.roles import ROLES
from analysis.access.users import UserError, add_user, list_users, set_disabled
from analysis.sanitise import mask_phones_in_text
from ui import loaders
from ui.auth import current_user, role_label, shared_server, who
from ui.errors import guarded, run_page
from ui.formats import plain
from ui.i18n import t
from ui.page import setup
from ui.widgets import csv_download, show_table

FLASH = "adm_flash"


@guarded
def _add() -> None:
    state = st.session_state
    if state.get("adm_new_password") != state.get("adm_new_password2"):
        state[FLASH] = ("error", t("adm_passwords_differ"))
        return
    try:
        added = add_user(loaders.store(), str(state.get("adm_new_name", "")).strip(), str(state.get("adm_new_role")),
                         str(state.get("adm_new_password", "")), str(state.get("adm_new_street", "")), by=who())
        state[FLASH] = ("success", t("adm_added", name=plain(added.name), role=role_label(added.role)))
    except UserError as err:
        state[FLASH] = ("error", t("adm_user_refused", reason=plain(err)))


@guarded
def _switch(disable: bool) -> None:
    name = str(st.session_state.get("adm_switch_user", ""))
    if disable and name == who():
        st.session_state[FLASH] = ("error", t("adm_not_yourself"))
        return
    set_disabled(loaders.store(), name, disable, by=who())
    st.session_state[FLASH] = ("success", t("adm_switched", name=plain(name),
                                            what=t("adm_disable" if disable else "adm_enable")))


@guarded
def _reveal() -> None:
    case = str(st.session_state.get("adm_phone_case", "")).strip()
    try:
        phone = reveal_phone(loaders.store(), case, who(), str(st.session_state.get("adm_phone_reason", "")))
    except ValueError:
        st.session_state["adm_phone_result"] = ("warning", t("adm_phone_need_reason"))
        return
    except LookupError:
        st.session_state["adm_phone_result"] = ("warning", t("adm_phone_unknown", case=plain(case)))
        return
    st.session_state["adm_phone_result"] = ("success", t("adm_phone_shown", case=plain(case), phone=plain(phone))
                                            if phone else t("adm_phone_none", case=plain(case)))


def _readable(times: pd.Series) -> pd.Series:
    """Stored times ('2026-12-01T09:00:00') as people write them ('2026-12-01 09:00:00')."""
    return times.str.replace("T", " ", regex=False)


def _users() -> None:
    st.subheader(t("adm_users"))
    user = current_user()
    if user is not None and user.street:        # a street's admin: users are the district's to manage
        st.info(t("adm_street_admin"))
        return
    listed = list_users(loaders.store())
    if listed.empty:
        st.info(t("adm_no_users"))
    else:
        shown = listed.assign(role=listed["role"].map(role_label), created_at=_readable(listed["created_at"]),
                              locked_until=_readable(listed["locked_until"]), street=listed["street"].replace(
            "", t("auth_scope_district"))).rename(columns={
                "name": t("adm_col_name"), "role": t("adm_col_role"), "street": t("adm_col_street"),
                "disabled": t("adm_col_disabled"), "failed_logins": t("adm_col_failed"),
                "locked_until": t("adm_col_locked"), "created_at": t("adm_col_created")})
        show_table(shown, hide_index=True, width="stretch")
    st.caption(t("role_help"))
    add_col, switch_col = st.columns(2)
    with add_col, st.form("adm_add_form", clear_on_submit=True):
        st.markdown(f"**{t('adm_add')}**")
        st.text_input(t("auth_name"), key="adm_new_name")
        st.selectbox(t("adm_role"), ROLES, format_func=role_label, key="adm_new_role")
        st.text_input(t("adm_street"), key="adm_new_street")
        st.text_input(t("auth_password"), type="password", key="adm_new_password")
        st.text_input(t("adm_password_again"), type="password", key="adm_new_password2")
        st.form_submit_button(t("adm_add_button"), type="primary", on_click=_add)
    with switch_col:
        st.markdown(f"**{t('adm_switch')}**")
        if not listed.empty:
            st.selectbox(t("adm_switch_user"), listed["name"].tolist(), key="adm_switch_user")
            left, right = st.columns(2)
            left.button(t("adm_disable"), key="adm_disable", on_click=_switch, args=(True,), width="stretch")
            right.button(t("adm_enable"), key="adm_enable", on_click=_switch, args=(False,), width="stretch")
    if FLASH in st.session_state:
        kind, text = st.session_state.pop(FLASH)
        (st.success if kind == "success" else st.error)(text)


def _phone() -> None:
    st.subheader(t("adm_phone"))
    st.caption(t("adm_phone_help"))
    with st.form("adm_phone_form"):
        left, right = st.columns([1, 2])
        left.text_input(t("adm_phone_case"), key="adm_phone_case")
        right.text_input(t("adm_phone_reason"), key="adm_phone_reason")
        st.form_submit_button(t("adm_phone_button"), on_click=_reveal)
    if "adm_phone_result" in st.session_state:
        kind, text = st.session_state.pop("adm_phone_result")
        (st.success if kind == "success" else st.warning)(text)


def _audit_log() -> None:
    st.subheader(t("adm_audit"))
    left, right = st.columns(2)
    user = left.text_input(t("adm_audit_user"), key="adm_audit_user").strip()
    action = right.selectbox(t("adm_audit_action"), ["", *AUDIT_ACTIONS], key="adm_audit_action",
                             format_func=lambda a: t(f"act_{a}") if a else t("status_all"))
    own = current_user()
    log = read_log(loaders.store(), user=user or None, action=action or None,
                   street=own.street if own is not None and own.street else None)
    if log.empty:
        st.info(t("adm_audit_empty"))
        return
    shown = log.drop(columns=["audit_id"]).assign(at=_readable(log["at"]),
        action=log["action"].map(lambda a: t(f"act_{a}")),
        target=mask_phones_in_text(log["target"]), detail=mask_phones_in_text(log["detail"]),
        street=log["street"].replace("", t("auth_scope_district"))).rename(columns={
            c: t(f"adm_col_{c}") for c in ("at", "username", "street", "action", "target", "detail")})
    show_table(shown, hide_index=True, width="stretch", height=420)
    csv_download(t("adm_audit_download"), shown, "audit_log.csv", "adm_audit_download")


def render() -> None:
    """Draw the page."""
    setup("page_admin", needs="manage_users")
    st.title(t("adm_title"))
    st.caption(t("adm_caption"))
    if not shared_server():
        st.info(t("adm_laptop_mode"))
    _users()
    _phone()
    _audit_log()


run_page(render)
