"""The weekly meeting in a real browser: the keys a presentation clicker sends move between the steps, in
projector mode at 1280x720, in Chinese and English; the handout downloads."""
import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from analysis.report import STEPS
from tests.browser.harness import ARM, MARKS, RAN, idle, open_page, rerun, shot

pytestmark = MARKS


def _step(page) -> str:
    return page.locator("h2").first.inner_text()


def _until_step(page, step: int, act: Callable[[], object], refocus: bool) -> None:
    """Do ``act`` (a key, a click) and wait until step ``step`` is shown and its run has ended. The step itself is
    waited for, not "a run after the act": under CI's load a click or a key was lost to the page still settling
    (no run came), and once a run not caused by it was taken for its run. An act that brings no step within
    30 s is done once more (``refocus``: after putting the focus back on the page)."""
    heading = page.locator("h2").first
    for attempt in range(2):
        if attempt and refocus:
            page.mouse.click(1275, 715)
        act()
        try:
            expect(heading).to_have_text(re.compile(rf"^{step}\. "), timeout=30_000 if attempt == 0 else None)
            break
        except AssertionError:
            if attempt:
                raise
    idle(page)


def _press(page, key: str, step: int | None) -> None:
    """Press ``key`` with the focus on the page (not a widget); ``step``: the step it must lead to (see
    :func:`_until_step`). Without a ``step`` (past the last), the run it causes is waited for; a key that brings
    no run within 30 s (lost to the page still settling under CI's load) is pressed once more, the focus put
    back on the page first."""
    if step is not None:
        _until_step(page, step, lambda: page.keyboard.press(key), refocus=True)
        return
    for attempt in range(2):
        if attempt:
            page.mouse.click(1275, 715)
        page.evaluate(ARM)
        page.keyboard.press(key)
        try:
            page.wait_for_function(RAN, timeout=30_000 if attempt == 0 else None)
            break
        except PlaywrightTimeout:
            if attempt:
                raise
    idle(page)


def _next(page, step: int) -> None:
    """Click "Next" and wait until step ``step`` is shown (see :func:`_until_step`)."""
    _until_step(page, step, lambda: page.get_by_role("button", name="Next").click(), refocus=False)


def test_keys_move_between_steps_in_projector_mode(server: tuple[str, str], browser: BrowserContext) -> None:
    base, _ = server
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, f"{base}/meeting?present=1", ".gl-card")
    expect(page.locator("h1").first).to_have_text("周例会")
    assert _step(page).startswith("1. 本周主要指标")
    shot(page, "meeting-present-zh-1280x720-step1")
    page.mouse.click(1275, 715)                                       # focus on the page, not a widget
    for number, key in enumerate(("ArrowRight", "PageDown", "ArrowRight"), start=2):
        _press(page, key, number)
        shot(page, f"meeting-present-zh-1280x720-step{number}")
    _press(page, "PageUp", 3)
    _press(page, "ArrowLeft", 2)
    for _ in range(len(STEPS)):                                       # past the last step it stays there
        _press(page, "ArrowRight", None)
    assert _step(page).startswith(f"{len(STEPS)}. ")
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def test_every_step_in_english_at_both_sizes_and_the_handout(server: tuple[str, str], browser: BrowserContext) -> None:
    base, _ = server
    page = browser.new_page()
    for width, height in ((1920, 1080), (1280, 720)):
        page.set_viewport_size({"width": width, "height": height})
        open_page(page, f"{base}/meeting?lang=en", ".gl-card")
        expect(page.locator("h1").first).to_have_text("Weekly review")
        for number in range(1, len(STEPS) + 1):
            assert _step(page).startswith(f"{number}. ")
            expect(page.locator("[data-testid='stException']")).to_have_count(0)
            shot(page, f"meeting-en-{width}x{height}-step{number}")
            if number < len(STEPS):
                _next(page, number + 1)
    rerun(page, lambda: page.get_by_role("button", name="Make the handout").click())
    with page.expect_download() as download:
        page.get_by_role("button", name="Download gridlens-").click()
    assert download.value.suggested_filename.endswith("-en.pdf")
    idle(page)
