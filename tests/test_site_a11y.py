"""Accessibility of every page, light and dark: axe-core (from npm, injected by Playwright,
offline) finds no critical and no serious violation of WCAG 2.x A/AA.

axe-core is installed from the repository's package-lock.json (``npm ci``, which
``make node-packages`` runs); it is a test tool and is never served to readers.
"""

from __future__ import annotations

from collections import Counter

import pytest

from browsing import PageVisit
from conftest import ROOT, skip_or_fail

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# The WCAG 2.0, 2.1 and 2.2 success criteria of levels A and AA, plus the rule that a
# control's accessible name contains its visible text (WCAG 2.5.3, an experimental rule
# that axe runs only on request).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                          "wcag22aa"]},
    "rules": {"label-content-name-mismatch": {"enabled": True}},
    "resultTypes": ["violations"],
}


def site_pages(site_dir):
    pages = sorted(p.relative_to(site_dir).as_posix() for p in (site_dir / "book").glob("*.html"))
    return pages + ["index.html", "search.html", "genindex.html"]


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.is_file():
        skip_or_fail("axe-core is not installed: run `make node-packages` (npm ci)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(browser, url, scheme, axe_source):
    """The axe-core violations of one page in one colour scheme, with the typeset math."""
    visit = PageVisit(browser, url, color_scheme=scheme)
    try:
        visit.page.wait_for_function(
            f"document.documentElement.dataset.theme === '{scheme}'", timeout=30_000)
        visit.wait_for_math()
        visit.page.add_script_tag(content=axe_source)
        result = visit.page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    finally:
        visit.close()
    return result["violations"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_critical_or_serious_axe_violation(site_dir, base_url, browser, axe_source, scheme):
    totals, serious = Counter(), []
    for rel in site_pages(site_dir):
        for violation in axe_violations(browser, f"{base_url}/{rel}", scheme, axe_source):
            nodes = len(violation["nodes"])
            totals[violation["impact"]] += nodes
            if violation["impact"] in {"critical", "serious"}:
                targets = ", ".join(str(n["target"]) for n in violation["nodes"][:3])
                serious.append(f"{rel}: {violation['impact']} {violation['id']} x{nodes} "
                               f"({violation['help']}): {targets}")
    print(f"axe-core violations ({scheme}):", dict(totals))
    assert not serious, "\n".join(serious)
