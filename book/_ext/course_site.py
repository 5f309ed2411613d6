"""Site-wide adjustments for the course website that no configuration option covers.

- Provenance: every page's footer says when the site was built and with which versions of
  numpy, the helper package and Jupyter Book (``SOURCE_DATE_EPOCH`` fixes the date for
  reproducible builds).
- The site is read offline and never runs code live, so the live-code launcher
  (sphinx-thebe, which Jupyter Book 1.x always loads) is switched off. Left on, it declares
  the same JavaScript constant twice on every page ("Identifier 'THEBE_JS_URL' has already
  been declared" in the browser console) and writes a CDN address into every page.
- Downloads: every page that shows readers code is also offered as an executable notebook
  (``notebooks/<page>.ipynb``, converted from its MyST source by MyST-NB's own reader, the one
  the build executes), with a link under the page title; the book's PDF (printed by
  ``print_book.py``, ``make pdf``) is linked from the same place.
- Pages are lighter and pass axe-core: every written page is post-processed by the fixes
  in :data:`PAGE_FIXES` (the theme's 1.45 MB icon script is dropped: its icon font draws
  the same icons; accessible names that differ from the visible text are removed), and
  MathJax is loaded as the few components the pages need; ``course_site.js`` lets the
  keyboard scroll a formula wider than the column.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from importlib.metadata import version
from pathlib import Path

import nbformat
from myst_nb.core.read import read_myst_markdown_notebook
from sphinx.application import Sphinx
from sphinx.config import Config

THEBE_HANDLERS = {"init_thebe_core", "update_thebe_context"}

#: The MathJax components a page loads: TeX input (its extensions load on demand), HTML
#: output and the hidden MathML that screen readers read. The all-in-one bundle that
#: sphinx-mathjax-offline points at also carries the right-click menu: 1.13 MB instead of
#: about 0.75 MB.
MATHJAX_COMPONENTS = ["input/tex", "output/chtml", "a11y/assistive-mml"]

#: Where the notebooks are written in the built site, and the book's PDF.
NOTEBOOK_DIR = "notebooks"
PDF_NAME = "svd-intuitions.pdf"

#: Fixes applied to every written page, as (pattern, replacement, reason).
PAGE_FIXES = [
    (re.compile(r'\s*<script (?:defer )?src="[^"]*scripts/fontawesome\.js[^"]*"></script>'), "",
     "a 1.45 MB script redraws the icons that the theme's icon font (its CSS) already draws"),
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>",
     "a folded cell's toggle shows 'Show code cell source': its name must contain that text"),
    (re.compile(r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="Search"'),
     r"\1", "the search field shows 'Search Ctrl+K': its name must contain that text"),
    (re.compile(r'role="doc-biblioentry"'), 'role="listitem"',
     "citations sit in a role=list container, whose children ARIA 1.2 requires to be items"),
]


def build_date() -> dt.date:
    """The build date: today, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.date.today()


def provenance() -> str:
    """One line of HTML naming the build date and the versions that made the pages."""
    parts = ", ".join(f"{name} {version(name)}" for name in ("numpy", "svdcourse", "jupyter-book"))
    return (f'<p class="provenance">Built on {build_date().isoformat()} with '
            f"{html.escape(parts)}.</p>")


def add_provenance(app: Sphinx, config: Config) -> None:
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = (options.get("extra_footer") or "") + provenance()
    config.html_theme_options = options


def load_math_lightly(app: Sphinx, config: Config) -> None:
    """Load MathJax's components one by one (:data:`MATHJAX_COMPONENTS`), not its bundle."""
    config.mathjax_path = "mathjax/startup.js"
    options = dict(config.mathjax3_config or {})
    options["loader"] = {"load": MATHJAX_COMPONENTS}
    config.mathjax3_config = options


def disconnect_thebe(app: Sphinx) -> None:
    """Remove sphinx-thebe's event handlers so it adds no script and no configuration."""
    for listeners in app.events.listeners.values():
        for listener in list(listeners):
            handler = listener.handler
            if handler.__module__ == "sphinx_thebe" and handler.__name__ in THEBE_HANDLERS:
                app.disconnect(listener.id)


def shows_code(notebook: nbformat.NotebookNode) -> bool:
    """Whether a notebook shows readers at least one code cell's source."""
    hidden = {"remove-cell", "remove-input"}
    return any(cell.cell_type == "code" and not hidden & set(cell.metadata.get("tags", []))
               for cell in notebook.cells)


def chapter_notebook(app: Sphinx, docname: str) -> nbformat.NotebookNode | None:
    """The page as an executable notebook, when its source is a notebook showing code."""
    source = Path(app.env.doc2path(docname))
    if source.suffix != ".md":
        return None
    text = source.read_text(encoding="utf-8")
    if not re.match(r"---\n(.*\n)*?kernelspec:", text):
        return None
    notebook = read_myst_markdown_notebook(text)
    return notebook if shows_code(notebook) else None


def add_download_links(app: Sphinx, pagename: str, templatename: str, context: dict,
                       doctree) -> None:
    """Under the title of a page that shows code: its notebook and the book's PDF."""
    if doctree is None or "body" not in context or chapter_notebook(app, pagename) is None:
        return
    root = "../" * pagename.count("/")
    name = pagename.rsplit("/", 1)[-1]
    links = (f'<p class="course-downloads">Download <a class="reference download" '
             f'href="{root}{NOTEBOOK_DIR}/{name}.ipynb" download>this page as a notebook '
             f'(.ipynb)</a> or <a class="reference download" href="{root}{PDF_NAME}">the whole '
             f"book as a PDF</a>.</p>")
    context["body"] = context["body"].replace("</h1>", "</h1>\n" + links, 1)


def write_notebooks(app: Sphinx, exception: Exception | None) -> None:
    """Write every page that shows code as ``notebooks/<page>.ipynb`` in the built site."""
    if exception is not None or app.builder.format != "html":
        return
    folder = Path(app.outdir) / NOTEBOOK_DIR
    folder.mkdir(exist_ok=True)
    for docname in sorted(app.env.found_docs):
        notebook = chapter_notebook(app, docname)
        if notebook is not None:
            nbformat.write(notebook, folder / f"{docname.rsplit('/', 1)[-1]}.ipynb")


def fix_pages(app: Sphinx, exception: Exception | None) -> None:
    """Apply :data:`PAGE_FIXES` to every written page; drop the icon-font script's files."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = text
        for pattern, replacement, _reason in PAGE_FIXES:
            fixed = pattern.sub(replacement, fixed)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
    for leftover in (outdir / "_static" / "scripts").glob("fontawesome.js*"):
        leftover.unlink()


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", add_provenance)
    app.connect("config-inited", load_math_lightly)
    app.connect("builder-inited", disconnect_thebe)
    app.connect("html-page-context", add_download_links)
    app.connect("build-finished", write_notebooks)
    app.connect("build-finished", fix_pages)
    app.add_js_file("course_site.js", loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
