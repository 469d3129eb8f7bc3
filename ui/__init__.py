"""Streamlit-aware glue shared by the pages: i18n, page setup, cached loaders, actions."""
