"""Driving the built website in Debian's Chromium through Playwright, offline.

Playwright's own browser download cannot work without a network, so the tests launch the
system browser (``executable_path``); as root it needs ``--no-sandbox``.

Tests wait for explicit conditions (the page's ``load`` event, MathJax's startup promise, the
element under test with ``locator.wait_for`` or ``expect``), never for network idleness, with
the time limit below: generous, so that the tests also pass on a busy machine.
"""

from __future__ import annotations

import http.server
import re
from urllib.parse import urljoin, urlparse

# One time limit for everything the browser tests wait for (navigation, a selector, a
# condition, an ``expect``): a page of this site loads in well under a second on a quiet
# machine, but can take tens of seconds while other builds keep every core busy.
TIMEOUT_MS = 60_000

CHROMIUM_ARGS = [
    "--no-sandbox",  # needed as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def set_expect_timeout() -> None:
    """Give Playwright's ``expect`` assertions the same time limit as everything else."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


class PageVisit:
    """One page opened in a fresh browser context, with everything that went wrong recorded.

    Opening waits for the ``load`` event (of a redirect's target, for a redirect page) and, on
    a page that loads MathJax, for MathJax's startup promise (math typeset), so the page is
    complete when the test starts.

    Example
    -------
    >>> visit = PageVisit(browser, f"{base_url}/book/labs.html")  # doctest: +SKIP
    >>> visit.page.locator("h1").inner_text()  # doctest: +SKIP
    'Labs#'
    """

    def __init__(self, browser, url, color_scheme="light", viewport=None):
        options = {"color_scheme": color_scheme}
        if viewport is not None:
            options["viewport"] = viewport
        self.context = browser.new_context(**options)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.set_default_navigation_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.outside_requests: list[str] = []
        self.failed_responses: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"page error: {exc}"))
        self.page.on("response", self._on_response)
        self.page.route("**/*", self._route)
        html = self.context.request.get(url).text()  # read before any redirect navigates away
        self.page.goto(url, wait_until="load")
        self._follow_redirect(url, html)
        self.wait_for_math()

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

    def _follow_redirect(self, url, html):
        """A redirect page (``<meta http-equiv="Refresh">``, e.g. the site's root): wait until
        its target has loaded."""
        refresh = re.search(r"""<meta http-equiv=["']refresh["'] content=["'][^"']*url=([^"']+)""",
                            html, re.IGNORECASE)
        if refresh:
            self.page.wait_for_url(urljoin(url, refresh.group(1)), wait_until="load")

    def wait_for_math(self):
        """If the page loads MathJax, wait until it has started and typeset the page."""
        if self.page.locator("script[src*='mathjax']").count():
            self.page.wait_for_function("() => window.MathJax?.startup?.promise")
            self.page.evaluate("() => window.MathJax.startup.promise.then(() => true)")

    def close(self):
        self.context.close()
