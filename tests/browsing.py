"""Driving the built website in Debian's Chromium through Playwright, offline.

Playwright's own browser download cannot work without a network, so the tests launch the
system browser (``executable_path``); as root it needs ``--no-sandbox``.
"""

from __future__ import annotations

import http.server
from urllib.parse import urlparse

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
