"""Features of the built website a reader relies on: offline search, dark mode and downloads
(in headless Chromium), provenance and links between chapters and labs (in the HTML)."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

from browsing import PageVisit


@pytest.mark.browser
def test_search_finds_eckart_offline(base_url, browser):
    visit = PageVisit(browser, f"{base_url}/search.html?q=Eckart")
    visit.page.locator("#search-results li").first.wait_for()
    hits = visit.page.locator("#search-results li a").all_inner_texts()
    visit.close()
    assert any("rank" in hit.lower() for hit in hits), hits
    assert not visit.outside_requests


@pytest.mark.book
def test_pages_say_when_and_with_what_they_were_built(site_dir):
    import svdcourse

    for page in (site_dir / "book").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert f"svdcourse {svdcourse.__version__}" in text, page.name
        assert f"numpy {np.__version__}" in text, page.name


@pytest.mark.browser
def test_figures_stay_readable_in_dark_mode(base_url, browser):
    """In dark mode, a figure keeps its light background: its pixels contrast with the page."""
    from PIL import Image

    visit = PageVisit(browser, f"{base_url}/book/rotations_and_scalings.html",
                      color_scheme="dark")
    visit.page.evaluate("document.documentElement.dataset.theme = 'dark'")
    figure = visit.page.locator("figure img").first
    figure.scroll_into_view_if_needed()
    visit.page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                 arg=figure.element_handle())
    shot = Image.open(io.BytesIO(figure.screenshot())).convert("L")
    page_background = visit.page.evaluate(
        "getComputedStyle(document.body).backgroundColor")
    visit.close()
    pixels = np.asarray(shot, dtype=float) / 255
    rgb = [int(v) for v in page_background[page_background.index("(") + 1:-1].split(",")[:3]]
    background_luminance = float(np.mean(rgb)) / 255
    assert background_luminance < 0.3, f"dark mode not active: body is {page_background}"
    # the figure's own background is light and its ink dark: strong contrast inside it
    assert np.median(pixels) > 0.8
    assert pixels.min() < 0.35


@pytest.mark.browser
def test_lab_notebooks_download_as_files(site_dir, base_url, browser):
    """A lab link on the Labs page downloads the notebook instead of showing its JSON."""
    visit = PageVisit(browser, f"{base_url}/book/labs.html")
    link = visit.page.locator("a.download[href$='.ipynb']").first
    with visit.page.expect_download() as download_info:
        link.click()
    download = download_info.value
    content = open(download.path(), encoding="utf-8").read()
    visit.close()
    assert download.suggested_filename.endswith(".ipynb")
    assert '"nbformat"' in content


@pytest.mark.book
def test_every_chapter_links_to_its_lab_and_back(root, site_dir):
    labs_page = (site_dir / "book" / "labs.html").read_text(encoding="utf-8")
    for lab in sorted(p.name for p in (root / "labs").iterdir() if p.is_dir()):
        section = labs_page.split(f'id="lab-{lab.replace("_", "-")}"', 1)
        assert len(section) == 2, f"{lab} has no section on the Labs page"
        chapter = re.search(r'<a class="reference internal" href="([a-z_]+\.html)', section[1])
        assert chapter, f"the Labs page does not link {lab} to its chapter"
        chapter_html = (site_dir / "book" / chapter.group(1)).read_text(encoding="utf-8")
        assert "labs.html#lab-" + lab.replace("_", "-") in chapter_html, (
            f"{chapter.group(1)} does not link to {lab}")
