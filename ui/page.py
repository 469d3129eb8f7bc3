"""Page setup shared by every page: config, navigation, language and projector switches; CSV downloads."""
from __future__ import annotations

import base64
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis.access.roles import Action
from analysis.sanitise import safe_for_download
from ui.auth import can, page_allowed, require_login, sidebar_user
from ui.errors import guarded, show_flash
from ui.i18n import LANGUAGES, lang, t
from ui.streets import DISTRICT_PAGE, choose_street, district_view
from ui.theme import apply_css, presenting

ICON = Path(__file__).resolve().parents[1] / "static" / "gridlens-icon.png"
# the favicon as a data URL, which Streamlit passes on as it is: given the file, every run opened it with Pillow (whose
# first use in a process, 0.1-0.2 s, fell in the cold start's first page) and registered it as a media file
ICON_URL = f"data:image/png;base64,{base64.b64encode(ICON.read_bytes()).decode()}"

# Every page: script, title key, icon. The sidebar lists them in this order; the first is home.
PAGES = (("pages/overview.py", "page_overview", ":material/dashboard:"),
         ("pages/meeting.py", "page_meeting", ":material/co_present:"),
         ("pages/map.py", "page_map", ":material/map:"),
         ("pages/workload.py", "page_workload", ":material/groups:"),
         ("pages/resolution.py", "page_resolution", ":material/task_alt:"),
         ("pages/coverage.py", "page_coverage", ":material/volunteer_activism:"),
         ("pages/ledger.py", "page_ledger", ":material/assignment_ind:"),
         ("pages/redraw.py", "page_redraw", ":material/draw:"),
         ("pages/status.py", "page_status", ":material/monitoring:"),
         ("pages/data.py", "page_data", ":material/upload_file:"),
         ("pages/district.py", "page_district", ":material/location_city:"),
         ("pages/admin.py", "page_admin", ":material/admin_panel_settings:"))
# what a role must be allowed to see a page in the sidebar and open it (analysis.access.roles)
NEEDS: dict[str, Action] = {"pages/redraw.py": "redraw", "pages/admin.py": "manage_users"}


@guarded
def _switch(key: str, value: str | bool) -> None:
    """Keep a sidebar switch's value in the session and the URL (on_change of its widget)."""
    st.session_state[key] = value
    st.query_params[key] = str(value) if key == "lang" else ("1" if value else "0")


def setup(title_key: str, needs: Action | None = None) -> None:
    """Configure the page, draw the sidebar (navigation, language, projector mode); call first on every page.

    Pages are discovered from ``pages/`` (so a bookmarked URL opens its page even on a fresh
    server) and the sidebar lists them with translated titles. Projector mode folds the sidebar.
    In multi-user mode the page stops at the login form until a user signs in, the sidebar lists the
    pages the user's role may open, and a page that ``needs`` an action the role lacks says so and stops.
    """
    present = presenting()
    st.set_page_config(page_title=f"{t(title_key)} · {t('app_title')}", page_icon=ICON_URL, layout="wide",
                       initial_sidebar_state="collapsed" if present else "auto")
    apply_css()
    show_flash()
    current = lang()
    with st.sidebar:
        st.markdown(f"### {t('app_title')}")
        st.caption(t("app_tagline"))
        nav = st.container()        # filled once the user is known: the language switch serves the login form too
        st.divider()
        st.radio(t("language"), list(LANGUAGES), index=list(LANGUAGES).index(current), format_func=LANGUAGES.get,
                 horizontal=True, key="lang_radio", on_change=lambda: _switch("lang", st.session_state["lang_radio"]))
        st.toggle(t("present"), value=present, key="present_toggle",
                  on_change=lambda: _switch("present", st.session_state["present_toggle"]))
    require_login()
    with st.sidebar:
        sidebar_user()
        choose_street()
    for script, key, icon in PAGES:
        if (script not in NEEDS or can(NEEDS[script])) and (script != DISTRICT_PAGE or district_view()):
            nav.page_link(script, label=t(key), icon=icon)
    if current != "zh" or "lang" in st.query_params:
        st.query_params["lang"] = current
    if present:
        st.query_params["present"] = "1"
    page_allowed(needs)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV bytes with a BOM, so that Excel opens Chinese text correctly; no cell is a formula and
    no phone number is whole (:func:`analysis.sanitise.safe_for_download`)."""
    return str(safe_for_download(frame).to_csv(index=False)).encode("utf-8-sig")
