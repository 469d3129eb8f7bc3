"""Which street the pages show, in a database that holds several (:mod:`analysis.store.streets`).

A user of one street sees that street and no other: the choice is theirs by login, and no widget or URL
changes it. A district user (or the laptop's one person) picks a street in the sidebar when the database
holds more than one; the choice follows them from page to page and is kept in the URL (``?street=``).
"""
from __future__ import annotations

import streamlit as st

from ui.auth import current_user
from ui.errors import guarded
from ui.i18n import t
from ui.loaders import STREET, database, streets

DISTRICT_PAGE = "pages/district.py"


def district_view() -> bool:
    """Whether the session may compare streets: a district user (or the laptop's person), and several streets."""
    user = current_user()
    return user is not None and not user.street and len(streets()) > 1


@guarded
def _chosen() -> None:
    st.session_state[STREET] = st.session_state["street_select"]
    st.query_params["street"] = st.session_state["street_select"]


def choose_street() -> None:
    """Set the session's street: the user's own street, or the sidebar's choice among the database's streets."""
    user = current_user()
    if user is None:
        return
    if user.street:                       # a street's user: their street, whatever the URL says
        st.session_state[STREET] = user.street
        return
    listed = streets()
    codes = listed["code"].tolist()
    if len(codes) < 2:
        st.session_state.pop(STREET, None)
        return
    wanted = st.session_state.get(STREET) or st.query_params.get("street") or database().street_code
    current = wanted if wanted in codes else codes[0]
    st.session_state[STREET] = current
    st.query_params["street"] = current
    names = dict(zip(codes, listed["name"]))
    st.selectbox(t("street_choice"), codes, index=codes.index(current), key="street_select", on_change=_chosen,
                 format_func=lambda code: f"{names.get(code, code)}（{code}）")
