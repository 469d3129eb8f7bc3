"""``bench/browser.py``'s clock: a change is timed from the press on the option that causes it, not from when the
benchmark armed its timer (with 20 tabs, Playwright's checks before a click, or a click that missed and was made
again, took 1-7 s that were counted as the page's)."""
import time

from playwright.sync_api import BrowserContext

from bench.browser import ARM, ELAPSED, ENDED, FLOOR, choose, open_choice
from tests.browser.harness import MARKS, open_page, served

pytestmark = MARKS
WAIT = 3.0      # seconds between arming and the press; the floor page's run takes a fraction of a second


def test_a_change_is_timed_from_the_press_that_causes_it(browser: BrowserContext):
    choices = ["第一社区", "第二社区"]
    with served("sqlite://", env={"GRIDLENS_FLOOR_CHOICES": "|".join(choices)}, prepared=False,
                script=FLOOR) as (base, _):
        page = browser.new_page()
        open_page(page, base, "[class*='st-key-f_community']")
        open_choice(page, choices[1])
        page.evaluate(ARM, choices[1])
        time.sleep(WAIT)                        # the benchmark's own delay before the press
        assert choose(page, choices[1]) == 0
        page.wait_for_function(ENDED)
        elapsed = float(page.evaluate(ELAPSED))
        page.close()
    assert 0 < elapsed < WAIT

