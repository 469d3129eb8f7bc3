"""The map and charts in a real browser: Leaflet draws offline, a click opens the grid card, the
weekly playback runs, and a chart's PNG is made in the browser."""
import re
import time
from pathlib import Path

from playwright.sync_api import BrowserContext, expect

from tests.browser.harness import MARKS, expect_paths, idle, map_frame, open_page, requests_out, rerun, served, shot

pytestmark = MARKS


def test_the_map_draws_offline_and_a_click_opens_the_grid_card(server: tuple[str, str],
                                                               browser: BrowserContext) -> None:
    base, _ = server
    page = browser.new_page()
    outside = requests_out(page)
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{base}/map")
    expect_paths(page, 60)
    frame = map_frame(page)
    expect(frame.locator(".gl-legend")).to_contain_text("事件数")
    expect(frame.locator(".leaflet-control-layers")).to_have_count(1)
    expect(frame.locator(".gl-player")).to_have_count(1)
    frame.locator("path.leaflet-interactive").nth(40).hover()     # the tooltip: three lines, the first bold
    tip = frame.locator(".gl-tip td").first
    expect(tip).to_contain_text("户数", timeout=20_000)
    assert len(tip.inner_text().splitlines()) == 3
    assert tip.evaluate("e => [getComputedStyle(e, '::first-line').fontWeight, getComputedStyle(e).whiteSpace]") \
        == ["700", "pre"]
    box = frame.locator("path.leaflet-interactive").nth(40).bounding_box()
    assert box is not None
    card_title = page.locator("[data-testid='stMainBlockContainer'] h3").first
    rerun(page, lambda: page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))
    expect(card_title).to_have_text(re.compile(r".*网格$"))
    expect(page.get_by_text("户数", exact=True).first).to_be_visible()
    shot(page, "map-card-zh-1920x1080")
    frame.locator(".gl-play").click()                                  # weekly playback runs in the browser
    expect(frame.locator(".gl-label")).to_contain_text("起一周")
    assert outside == []


def test_the_week_player_stays_clear_of_the_legend_on_wide_and_narrow_screens(server: tuple[str, str],
                                                                             browser: BrowserContext) -> None:
    """At 1280 x 720 the map is about 550 px wide: the player's week ran under the legend until its label moved
    under the slider on a narrow map. Projector mode (larger type, the sidebar closed) too."""
    base, _ = server
    for lang, width, height, mode in (("zh", 1920, 1080, ""), ("en", 1280, 720, ""), ("en", 1280, 720, "&present=1"),
                                      ("zh", 1280, 720, "&present=1")):
        page = browser.new_page()
        page.set_viewport_size({"width": width, "height": height})
        open_page(page, f"{base}/map?lang={lang}{mode}")
        expect_paths(page, 60)
        frame = map_frame(page)
        frame.locator(".gl-play").click()
        expect(frame.locator(".gl-label")).to_contain_text("起一周" if lang == "zh" else "Week of")
        player, legend = frame.locator(".gl-player").bounding_box(), frame.locator(".gl-legend").bounding_box()
        assert player is not None and legend is not None
        assert player["x"] + player["width"] <= legend["x"] or player["y"] + player["height"] <= legend["y"], \
            (lang, width, mode, player, legend)
        shot(page, f"map-player-{lang}-{width}x{height}{'-present' if mode else ''}")
        page.close()


def test_a_chart_downloads_as_png_made_in_the_browser(server: tuple[str, str], browser: BrowserContext,
                                                      tmp_path: Path) -> None:
    base, _ = server
    page = browser.new_page()
    outside = requests_out(page)
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{base}/resolution", "[data-testid='stPlotlyChart']")
    idle(page)
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.hover()
    with page.expect_download() as event:
        chart.locator(".modebar-btn[data-title='Download plot as a PNG']").click()
    path = tmp_path / event.value.suggested_filename
    event.value.save_as(path)
    assert path.name == "weekly_resolution.png" and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 20_000 and outside == []


def test_the_sidebar_link_draws_the_map_on_a_server_that_prepared_the_pages(demo_db: Path,
                                                                            browser: BrowserContext) -> None:
    """On a freshly started server, once its start-up thread has imported what the other pages use, the
    sidebar's link from the overview to the map draws the map: the map's frame is served (a component imported
    outside a script run is never registered, and its frame answers 404)."""
    with served(f"sqlite:///{demo_db}") as (base, proc):
        page = browser.new_page()
        page.set_viewport_size({"width": 1280, "height": 720})
        open_page(page, f"{base}/overview", ".gl-card")
        log = Path(f"/proc/{proc.pid}/fd/1")        # the server's log file, as the server writes it
        deadline = time.monotonic() + 90
        while "other pages' modules imported" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)                          # polling the server's log: the condition is a line in it
        assert "other pages' modules imported" in log.read_text()
        frames = []
        page.on("response", lambda r: frames.append(r.status) if "/component/streamlit_folium" in r.url else None)
        page.locator("a[data-testid='stPageLink-NavLink'][href='map']").click()
        map_frame(page)
        idle(page)
        assert frames and all(status == 200 for status in frames)
        expect(page.locator("iframe[title='streamlit_folium.st_folium']")).to_be_visible()
        page.close()
