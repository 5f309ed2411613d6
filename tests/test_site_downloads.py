"""What a reader can take away from the website: each chapter as an executable notebook,
the whole book as one PDF printed by Chromium, and a navigation numbered the way the text
speaks of its chapters ("chapter 5", "6A", "6B")."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from bs4 import BeautifulSoup
from myst_nb.core.read import read_myst_markdown_notebook

from book_build import PDF_NAME, PDF_REPORT
from test_site_layout import chapters

CHAPTER_NUMBERS = ["1", "2", "3", "4", "5", "6A", "6B", "7"]


def notebook_link(html: str) -> tuple[str, str]:
    """The notebook and PDF links under a page's title."""
    downloads = BeautifulSoup(html, "html.parser").select_one("p.course-downloads")
    assert downloads is not None, "no download links under the title"
    hrefs = [a["href"] for a in downloads.find_all("a")]
    notebook = [h for h in hrefs if h.endswith(".ipynb")]
    pdf = [h for h in hrefs if h.endswith(".pdf")]
    assert len(notebook) == 1 and len(pdf) == 1, hrefs
    return notebook[0], pdf[0]


@pytest.mark.book
def test_every_chapter_is_offered_as_its_own_notebook(root, site_dir):
    """The notebook under each chapter's title holds exactly the chapter's code cells."""
    for doc in chapters(root):
        page = site_dir / f"{doc}.html"
        notebook_href, pdf_href = notebook_link(page.read_text(encoding="utf-8"))
        assert pdf_href.endswith(PDF_NAME)
        notebook = nbformat.read(page.parent / notebook_href, as_version=4)
        nbformat.validate(notebook)
        source = read_myst_markdown_notebook((root / f"{doc}.md").read_text(encoding="utf-8"))
        code = [c.source for c in notebook.cells if c.cell_type == "code"]
        assert code == [c.source for c in source.cells if c.cell_type == "code"], doc
        assert code and notebook.metadata.kernelspec.name == "python3"


@pytest.mark.book
def test_a_downloaded_chapter_notebook_runs(root, site_dir, tmp_path):
    """The shortest chapter's notebook runs top to bottom in a fresh kernel, elsewhere."""
    from nbclient import NotebookClient

    notebooks = [site_dir / "notebooks" / f"{doc.rsplit('/', 1)[-1]}.ipynb"
                 for doc in chapters(root)]
    shortest = min(notebooks, key=lambda p: sum(len(c.source) for c in
                                                nbformat.read(p, as_version=4).cells))
    notebook = nbformat.read(shortest, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert outputs, f"{shortest.name} ran but showed nothing"


def nav_html(site_dir) -> str:
    """The site's navigation (every page of the book, in order), as HTML."""
    html = (site_dir / "book" / "intro.html").read_text(encoding="utf-8")
    return str(BeautifulSoup(html, "html.parser").select_one("nav.bd-docs-nav"))


@pytest.mark.book
def test_navigation_numbers_chapters_the_way_the_text_does(root, site_dir):
    html = (site_dir / "book" / "intro.html").read_text(encoding="utf-8")
    nav = BeautifulSoup(html, "html.parser").select_one("nav.bd-docs-nav")
    entries = {a["href"].split("#")[0]: a.get_text(" ", strip=True)
               for a in nav.select("a.reference.internal")}
    numbers = []
    for doc in chapters(root):
        title = entries[doc.rsplit("/", 1)[-1] + ".html"]
        number, _, words = title.partition(" ")
        numbers.append(number)
        h1 = BeautifulSoup((site_dir / f"{doc}.html").read_text(encoding="utf-8"),
                           "html.parser").find("h1").get_text(" ", strip=True).rstrip("#")
        assert words.lower() in h1.lower().strip() or h1.lower().strip() in words.lower(), (
            f"{doc}: the navigation says {title!r}, the page {h1!r}")
    assert numbers == CHAPTER_NUMBERS


@pytest.mark.browser
def test_the_book_prints_as_one_pdf_with_every_page_and_its_math(root, site_dir,
                                                                 chromium_path):
    """The build prints every page of the navigation, with its math typeset, into one PDF
    (book/_ext/print_book.py, which ``make pdf`` also runs on its own)."""
    pdf, report_file = site_dir / PDF_NAME, site_dir.parent / PDF_REPORT
    report = json.loads(report_file.read_text(encoding="utf-8"))
    head = pdf.read_bytes()[:5]
    assert head == b"%PDF-"
    assert pdf.stat().st_size > 200_000
    titles = " | ".join(report["titles"])
    for doc in chapters(root):
        h1 = BeautifulSoup((site_dir / f"{doc}.html").read_text(encoding="utf-8"),
                           "html.parser").find("h1").get_text(strip=True).rstrip("#")
        assert h1 in titles, f"{h1!r} is missing from the PDF"
    assert report["math"] > 200, "the book's math was not typeset"
    assert not report["raw_tex"], f"raw TeX left in the printed book: {report['raw_tex']}"
    assert report["pages"] == len(re.findall(r'class="reference internal"', nav_html(site_dir)))
