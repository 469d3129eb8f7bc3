"""Page setup shared by every page: config, navigation, language switch; CSV downloads."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.i18n import LANGUAGES, lang, t

ICON = Path(__file__).resolve().parents[1] / "static" / "gridlens-icon.png"

# Every page: script, title key, icon. The sidebar lists them in this order; the first is home.
PAGES = (("pages/status.py", "page_status", ":material/monitoring:"),
         ("pages/data.py", "page_data", ":material/upload_file:"))


def setup(title_key: str) -> None:
    """Configure the page, draw the sidebar (navigation, language switch); call first on every page.

    Pages are discovered from ``pages/`` (so a bookmarked URL opens its page even on a fresh
    server) and the sidebar lists them with translated titles.
    """
    st.set_page_config(page_title=f"{t(title_key)} · {t('app_title')}", page_icon=str(ICON), layout="wide")
    current = lang()
    with st.sidebar:
        st.markdown(f"### {t('app_title')}")
        st.caption(t("app_tagline"))
        for script, key, icon in PAGES:
            st.page_link(script, label=t(key), icon=icon)
        st.divider()
        choice = st.radio(t("language"), list(LANGUAGES), index=list(LANGUAGES).index(current),
                          format_func=LANGUAGES.get, horizontal=True, key="lang_radio")
    if choice != current:
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice
        st.rerun()


def csv_bytes(frame) -> bytes:
    """A table as CSV bytes with a BOM, so that Excel opens Chinese text correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")
