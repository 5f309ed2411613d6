"""Print the whole book into one PDF with Chromium, from the built website (no LaTeX).

Usage::

    python book/_ext/print_book.py _build/html            # writes _build/html/svd-intuitions.pdf
    python book/_ext/print_book.py SITE PDF [REPORT.json]  # and says what it printed, as JSON

The pages are taken in the order of the site's navigation. Each is opened with its own
scripts running (the animation shows its first frame) but with MathJax held back, and its
article is appended to one page; MathJax then typesets the whole book once, and Chromium
prints it with the theme's print styles (no navigation, no buttons). Links between pages
become links inside the PDF.

Example
-------
From Python, once the website is built (``make book`` does this as ``make pdf``)::

    from print_book import print_book
    print_book(Path("_build/html"), Path("_build/html/svd-intuitions.pdf"))
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

PDF_NAME = "svd-intuitions.pdf"
WAIT = 120_000  # ms

# Collects every page's article into the page that is open, as chapters of one book.
ASSEMBLE = """async (articles) => {
  const main = document.querySelector('article.bd-article');
  main.innerHTML = articles.map(([name, html]) =>
    `<section class="print-chapter" id="print-${name}">${html}</section>`).join('\\n');
  for (const link of main.querySelectorAll('a[href]')) {
    const match = link.getAttribute('href').match(/^(?:\\.\\.\\/book\\/)?([\\w-]+)\\.html(#.*)?$/);
    if (match) link.setAttribute('href', match[2] || `#print-${match[1]}`);
  }
  MathJax.typesetClear();
  await MathJax.typesetPromise([main]);
  const text = main.innerText;  // what is shown: not the text of scripts
  return {math: main.querySelectorAll('mjx-container').length,
          raw_tex: [...text.matchAll(/.{0,40}(\\\\\\(|\\\\\\[|[$][$]).{0,40}/g)].slice(0, 5).map(m => m[0]),
          titles: [...main.querySelectorAll('h1')].map(h => h.textContent.replace(/#$/, ''))};
}"""

PRINT_CSS = """
@media print {
  section.print-chapter { break-before: page; }
  section.print-chapter:first-child { break-before: auto; }
  .cell details.hide, .headerlink, .prev-next-area, #jb-print-toc { display: none !important; }
  .bd-main .bd-content .bd-article h1:first-of-type { display: block !important; }
}
"""


@contextmanager
def serve(folder: Path):
    """Serve a folder on localhost for the browser; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def book_pages(page, base_url: str) -> list[str]:
    """The site's pages in the order of its navigation, as paths like ``book/pca.html``."""
    page.goto(f"{base_url}/book/intro.html", wait_until="load")
    hrefs = page.eval_on_selector_all(
        "nav.bd-docs-nav a.reference.internal",
        "links => links.map(a => new URL(a.getAttribute('href'), location.href).pathname)")
    ordered = ["book/intro.html"]
    for href in hrefs:
        path = href.lstrip("/").split("#", 1)[0]
        if path not in ordered:
            ordered.append(path)
    return ordered


def article_html(context, url: str) -> str:
    """A page's article after its own scripts ran, with the math left as TeX."""
    page = context.new_page()
    page.route("**/mathjax/**", lambda route: route.abort())
    page.goto(url, wait_until="load")
    html = page.inner_html("article.bd-article")
    page.close()
    return html


def print_book(site: Path, pdf: Path, chromium: str | None = None) -> dict:
    """Print the built website in ``site`` into one PDF.

    Returns what was printed: the number of website pages (``pages``), of typeset formulas
    (``math``), the chapter titles (``titles``) and any raw TeX left (``raw_tex``, a few
    snippets).
    """
    from playwright.sync_api import sync_playwright

    chromium = chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Printing the book needs Chromium: install Debian's 'chromium' "
                         "(make system-packages does, as root).")
    with serve(site) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium,
                                             args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context()
        page = context.new_page()
        pages = book_pages(page, base_url)
        articles = [[Path(p).stem, article_html(context, f"{base_url}/{p}")] for p in pages]
        page.goto(f"{base_url}/{pages[1]}", wait_until="load")  # a chapter: it loads MathJax
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise",
                               timeout=WAIT)
        page.evaluate("MathJax.startup.promise")
        report = page.evaluate(ASSEMBLE, articles)
        page.add_style_tag(content=PRINT_CSS)
        page.emulate_media(media="print")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(pdf), format="A4", print_background=True, outline=True, tagged=True,
                 margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"})
        browser.close()
    return {**report, "pages": len(pages)}


def main(argv: list[str]) -> None:
    site = Path(argv[1] if len(argv) > 1 else "_build/html")
    pdf = Path(argv[2]) if len(argv) > 2 else site / PDF_NAME
    start = time.monotonic()
    report = print_book(site, pdf)
    if len(argv) > 3:
        Path(argv[3]).write_text(json.dumps(report), encoding="utf-8")
    print(f"Printed {report['pages']} pages ({report['math']} formulas) into {pdf} "
          f"({pdf.stat().st_size / 2**20:.1f} MiB) in {time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main(sys.argv)
