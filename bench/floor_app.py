"""The floor of ``bench/browser.py``: a Streamlit page with nothing but the community box of the dashboard's filters
(the same widget key and choices, from ``$GRIDLENS_FLOOR_CHOICES``, separated by ``|``) and a caption naming the
choice. Its figures are what this machine's Chromium and Streamlit take with no work of the program's: a page's
times above them are the program's share."""
import os

import streamlit as st

st.title("GridLens floor")
chosen = st.selectbox("community", ["", *os.environ.get("GRIDLENS_FLOOR_CHOICES", "").split("|")], key="f_community")
st.caption(f"chosen: {chosen}")
