"""The built website in a real headless browser (Debian's Chromium driven by Playwright).

Every page must load with no console error and no request leaving localhost; math must be
typeset by the bundled MathJax; every image must load and carry alt text.
"""

from __future__ import annotations

import functools
import http.server
import threading
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",  # needed as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def base_url(site_dir):
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser(chromium_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageVisit:
    """One page opened in a fresh browser context, with everything that went wrong recorded."""

    def __init__(self, browser, url, color_scheme="light"):
        self.context = browser.new_context(color_scheme=color_scheme)
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.outside_requests: list[str] = []
        self.failed_responses: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"page error: {exc}"))
        self.page.on("response", self._on_response)
        self.page.route("**/*", self._route)
        self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_response(self, response):
        if response.status >= 400:
            self.failed_responses.append(f"{response.status} {response.url}")

    def _route(self, route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith("data:") or host in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            self.outside_requests.append(route.request.url)
            route.abort()

    def wait_for_math(self):
        """Wait until the bundled MathJax has typeset the page (if the page loads it)."""
        if self.page.evaluate("typeof window.MathJax === 'object'"):
            self.page.wait_for_function("window.MathJax.startup && window.MathJax.startup.promise")
            self.page.evaluate("window.MathJax.startup.promise")

    def close(self):
        self.context.close()


def site_pages(site_dir):
    pages = sorted(p.relative_to(site_dir).as_posix() for p in (site_dir / "book").glob("*.html"))
    return pages + ["index.html", "search.html", "genindex.html"]


def test_every_page_loads_cleanly_offline(site_dir, base_url, browser):
    problems = []
    for rel in site_pages(site_dir):
        visit = PageVisit(browser, f"{base_url}/{rel}")
        visit.wait_for_math()
        for kind, items in [("console error", visit.console_errors),
                            ("request leaving localhost", visit.outside_requests),
                            ("failed response", visit.failed_responses)]:
            problems += [f"{rel}: {kind}: {item}" for item in items]
        visit.close()
    assert not problems, "\n".join(problems)


def test_math_is_typeset(site_dir, base_url, browser):
    """Math in a page's article is typeset; no raw TeX shows anywhere (navigation included)."""
    for rel in site_pages(site_dir):
        visit = PageVisit(browser, f"{base_url}/{rel}")
        visit.wait_for_math()
        has_math = visit.page.locator("article .math").count() > 0
        typeset = visit.page.locator("article mjx-container").count()
        text = visit.page.locator("body").inner_text()
        visit.close()
        if has_math:
            assert typeset > 0, f"{rel}: math in the page but none typeset"
        for raw in ("$$", "\\(", "\\["):
            assert raw not in text, f"{rel}: raw TeX {raw!r} left in the page text"


def test_figures_load_with_alt_text(site_dir, base_url, browser):
    for rel in site_pages(site_dir):
        visit = PageVisit(browser, f"{base_url}/{rel}")
        images = visit.page.eval_on_selector_all(
            "article img",
            "imgs => imgs.map(i => ({src: i.getAttribute('src'), alt: i.alt,"
            " width: i.naturalWidth}))",
        )
        visit.close()
        for image in images:
            assert image["width"] > 0, f"{rel}: image {image['src']} did not load"
            alt = (image["alt"] or "").strip()
            assert alt, f"{rel}: image {image['src']} has no alt text"
            assert not alt.endswith((".png", ".jpg", ".svg")), (
                f"{rel}: image {image['src']} has a file name as alt text")


def test_chapter_one_animation_plays_and_pauses(site_dir, base_url, browser):
    """The shear animation plays in the static page (no kernel) and can be paused."""
    visit = PageVisit(browser, f"{base_url}/book/rotations_and_scalings.html")
    player = visit.page.locator(".animation").first
    frame = player.locator("img").first
    assert frame.get_attribute("alt"), "the animation frame has no alt text"
    first = frame.get_attribute("src")
    player.get_by_role("button", name="Play", exact=True).click()
    visit.page.wait_for_function(
        "([img, src]) => img.getAttribute('src') !== src", arg=[frame.element_handle(), first])
    player.get_by_role("button", name="Pause", exact=True).click()
    paused = frame.get_attribute("src")
    visit.page.wait_for_timeout(600)
    assert frame.get_attribute("src") == paused, "the animation did not pause"
    visit.close()
    assert not visit.console_errors


def test_rank_slider_is_operable_by_keyboard(site_dir, base_url, browser):
    """Chapter 2's rank slider changes frame with the arrow keys, without a kernel."""
    visit = PageVisit(browser, f"{base_url}/book/low_rank_approximation.html")
    slider = visit.page.locator("input[type=range]").first
    before = slider.get_attribute("aria-valuetext")
    slider.focus()
    visit.page.keyboard.press("ArrowRight")
    after = slider.get_attribute("aria-valuetext")
    visit.close()
    assert before and after and before != after
