"""The error boundary: a failure on a page or in a button's callback becomes a message in the user's
language with a reference to the server's log, never a traceback; store problems say what to do."""
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analysis.store import Store
from tests.conftest import ROOT
from tests.pages.apptest import TIMEOUT, page
from ui.labels import TEXT


def test_a_failing_computation_shows_a_message_not_a_traceback(demo_store: Store, monkeypatch: pytest.MonkeyPatch,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    import ui.loaders

    def broken(*args: object) -> None:
        raise ZeroDivisionError("secret /srv/path and SELECT * FROM incidents")
    at = page("pages/overview.py", demo_store, monkeypatch)
    monkeypatch.setattr(ui.loaders, "overview", broken)
    at.run()
    assert not at.exception
    message = at.error[0].value
    assert message.startswith(TEXT["err_unexpected"][0]) and "secret" not in message and "SELECT" not in message
    reference = message.split("错误编号 ")[1][:8]
    assert reference in caplog.text and "ZeroDivisionError" in caplog.text      # the details are in the log
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert at.error[0].value.startswith(TEXT["err_unexpected"][1])


@pytest.mark.parametrize("content, kind", [(b"", "empty_file"), (b"not a database at all", "corrupt")])
def test_an_unusable_store_file_is_refused_with_what_to_do(tmp_path, monkeypatch: pytest.MonkeyPatch,
                                                           content: bytes, kind: str) -> None:
    path = tmp_path / "store.sqlite"
    path.write_bytes(content)
    monkeypatch.setenv("GRIDLENS_DB", f"sqlite:///{path}")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/status.py").run()
    assert not at.exception and at.error[0].value.startswith(TEXT[f"err_store_{kind}"][0])
    assert path.read_bytes() == content                                       # nothing was written to it


def test_a_failing_button_callback_leaves_a_message(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import analysis.division.plans as plans
    at = page("pages/redraw.py", demo_store, monkeypatch)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")
    monkeypatch.setattr(plans, "save_plan", broken)
    at.text_input(key="rd_plan_name").input("方案")
    at.button[[b.label for b in at.button].index("保存")].click().run()
    assert not at.exception and at.error[0].value.startswith(TEXT["err_unexpected"][0])


@pytest.mark.parametrize("script", ["pages/overview.py", "pages/resolution.py", "pages/workload.py"])
def test_a_wrong_setting_is_named_on_the_page_not_a_traceback(demo_store: Store, monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path, script: str) -> None:
    """``"snap_tolerance_m": "thirty"`` (the issue's case) stops the page with words naming the setting."""
    settings = tmp_path / "settings.json"
    settings.write_text('{"snap_tolerance_m": "thirty", "rate_basis": "closed"}', encoding="utf-8")
    monkeypatch.setenv("GRIDLENS_SETTINGS", str(settings))
    at = page(script, demo_store, monkeypatch, check=False)
    assert not at.exception
    message = at.error[0].value
    assert message.startswith("设置文件有误") and "snap\\_tolerance\\_m" in message and "rate\\_basis" in message
