"""The built website in a real headless browser (Debian's Chromium driven by Playwright).

Every page must load with no console error and no request leaving localhost; math must be
typeset by the bundled MathJax; every image must load and carry alt text.
"""

from __future__ import annotations

import pytest

from browsing import PageVisit

pytestmark = pytest.mark.browser


def site_pages(site_dir):
    pages = sorted(p.relative_to(site_dir).as_posix() for p in (site_dir / "book").glob("*.html"))
    return pages + ["index.html", "search.html", "genindex.html"]


@pytest.fixture(scope="module")
def page_reports(site_dir, base_url, browser):
    """Every page opened once (loaded, math typeset), with what the checks below need to know."""
    reports = {}
    for rel in site_pages(site_dir):
        visit = PageVisit(browser, f"{base_url}/{rel}")
        reports[rel] = {
            "problems": [f"{kind}: {item}" for kind, items in [
                ("console error", visit.console_errors),
                ("request leaving localhost", visit.outside_requests),
                ("failed response", visit.failed_responses)] for item in items],
            "has_math": visit.page.locator("article .math").count() > 0,
            "typeset": visit.page.locator("article mjx-container").count(),
            "text": visit.page.locator("body").inner_text(),
            "images": visit.page.eval_on_selector_all(
                "article img",
                "imgs => imgs.map(i => ({src: i.getAttribute('src'), alt: i.alt,"
                " width: i.naturalWidth}))"),
        }
        visit.close()
    return reports


def test_every_page_loads_cleanly_offline(page_reports):
    problems = [f"{rel}: {problem}" for rel, report in page_reports.items()
                for problem in report["problems"]]
    assert not problems, "\n".join(problems)


def test_math_is_typeset(page_reports):
    """Math in a page's article is typeset; no raw TeX shows anywhere (navigation included)."""
    for rel, report in page_reports.items():
        if report["has_math"]:
            assert report["typeset"] > 0, f"{rel}: math in the page but none typeset"
        for raw in ("$$", "\\(", "\\["):
            assert raw not in report["text"], f"{rel}: raw TeX {raw!r} left in the page text"


def test_figures_load_with_alt_text(page_reports):
    for rel, report in page_reports.items():
        for image in report["images"]:
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
    frame.wait_for()
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


def test_every_explorable_is_operable_by_keyboard(site_dir, base_url, browser):
    """Each rank explorer redraws its picture and caption with the arrow keys, and the 2x2
    explorer of chapter 1 follows its sliders, in the built website."""
    from playwright.sync_api import expect

    found = 0
    for rel in site_pages(site_dir):
        text = (site_dir / rel).read_text(encoding="utf-8")
        if "svd-rank-explorer" not in text and "svd-explorer" not in text:
            continue
        visit = PageVisit(browser, f"{base_url}/{rel}")
        for explorer in visit.page.locator(".svd-rank-explorer").all():
            slider = explorer.locator("input[type=range]")
            canvas = explorer.locator("canvas")

            def state():
                pixels = canvas.evaluate("c => c.toDataURL()")
                return (slider.get_attribute("aria-valuetext"),
                        explorer.locator("figcaption").inner_text(), pixels)

            before = state()
            slider.focus()
            visit.page.keyboard.press("ArrowRight")
            expect(slider).not_to_have_attribute("aria-valuetext", before[0] or "")
            after = state()
            assert after[1] != before[1], f"{rel}: caption did not follow the slider"
            assert after[2] != before[2], f"{rel}: the picture did not change"
            found += 1
        for explorer in visit.page.locator(".svd-explorer").all():
            entry = explorer.locator("input.svdx-entry").first
            before = explorer.get_attribute("data-state")
            entry.focus()
            visit.page.keyboard.press("ArrowLeft")
            expect(explorer).not_to_have_attribute("data-state", before)
            found += 1
        visit.close()
        assert not visit.console_errors, f"{rel}: {visit.console_errors}"
    assert found >= 3, "expected the rank explorers of chapters 2 and 6B and chapter 1's explorer"
