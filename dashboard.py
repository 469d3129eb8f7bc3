"""GridLens 网格透视: the Streamlit entry point (``make run``).

The pages live in ``pages/`` and each draws the shared sidebar (``ui.page.setup``: navigation
with translated titles, language switch). Opening the root URL goes to the home page with
the URL's parameters (language, projector mode, filters), so a shared link keeps its view.
"""
import streamlit as st

from ui.i18n import lang
from ui.page import PAGES

lang()
st.switch_page(PAGES[0][0], query_params=st.query_params.to_dict())
