"""The website builds cleanly and publishes only what it should."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import yaml

from conftest import skip_or_fail

pytestmark = pytest.mark.book


def toc_files(root):
    """Every document listed in ``_toc.yml``, root first."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def test_clean_build_has_no_warning(book_build):
    result, _ = book_build
    if result is None:
        skip_or_fail("SVDCOURSE_SITE points at an existing build; nothing was built")
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]
    assert "build succeeded" in log
    assert not re.search(r"^.*WARNING: .*$", log, re.MULTILINE), "the build logged a warning"


def test_every_toc_page_is_built(root, site_dir):
    for doc in toc_files(root):
        assert (site_dir / f"{doc}.html").is_file(), f"{doc} was not built"
        assert (root / f"{doc}.md").is_file()


def test_only_toc_pages_are_published(root, site_dir):
    published = {p.relative_to(site_dir).with_suffix("").as_posix()
                 for p in site_dir.rglob("*.html")
                 if not p.relative_to(site_dir).parts[0].startswith("_")}
    expected = set(toc_files(root)) | {"index", "genindex", "search"}
    assert published == expected
    assert not list(site_dir.rglob("*solutions*")), "instructor solutions were published"


def test_no_page_loads_anything_from_the_network(site_dir):
    pattern = re.compile(r"""<(?:script|link|img)\b[^>]*(?:src|href)=["'](?:https?:)?//""")
    for page in site_dir.rglob("*.html"):
        found = pattern.findall(page.read_text(encoding="utf-8"))
        assert not found, f"{page.relative_to(site_dir)} loads {found[:3]} from the network"


def test_math_is_served_locally(site_dir):
    assert (site_dir / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_the_wheel_is_offered(site_dir):
    wheels = list(site_dir.glob("svdcourse-*-py3-none-any.whl"))
    assert len(wheels) == 1, "the site should carry exactly one svdcourse wheel"


class LinkCollector(HTMLParser):
    """The ``href`` and ``src`` attributes of a page's elements (not text that looks like one)."""

    def __init__(self):
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.targets += [value for name, value in attrs if name in {"href", "src"} and value]


def test_internal_links_resolve(site_dir):
    """Every relative link and resource of every page points at a file of the built site."""
    broken = []
    for page in site_dir.rglob("*.html"):
        if page.relative_to(site_dir).parts[0] == "_static":
            continue  # theme templates, not pages
        collector = LinkCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        for target in collector.targets:
            target = target.split("#", 1)[0].split("?", 1)[0]
            if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("//"):
                continue  # same-page anchors and external links (mailto:, https:, data:)
            if not (page.parent / target).resolve().exists():
                broken.append(f"{page.relative_to(site_dir)} -> {target}")
    assert not broken, "broken links:\n" + "\n".join(broken[:20])


def test_labs_page_offers_the_wheel_and_every_student_notebook(root, site_dir):
    html = (site_dir / "book" / "labs.html").read_text(encoding="utf-8")
    wheel = re.search(r'href="\.\./(svdcourse-[^"]+\.whl)"\s+download', html)
    assert wheel and (site_dir / wheel.group(1)).is_file()
    offered = re.findall(
        r'<a class="reference download internal" download="" href="([^"]+\.ipynb)"', html)
    names = {href.rsplit("/", 1)[-1] for href in offered}
    expected = {f"{lab.name}.ipynb" for lab in (root / "labs").iterdir() if lab.is_dir()}
    assert names == expected, "the Labs page must offer exactly the labs in labs/"
    for href in offered:
        notebook = (site_dir / "book" / href).resolve()
        text = notebook.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


class HeadingCollector(HTMLParser):
    """The heading levels inside a page's main article, in order."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # > 0 while inside <article>
        self.levels: list[int] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        elif self.depth and re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1


def test_pages_declare_language_and_keep_heading_order(site_dir):
    """Accessibility basics: ``lang`` is set; one h1 per page; no heading level is skipped."""
    for page in (site_dir / "book").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert re.search(r'<html[^>]* lang="en"', html), f"{page.name}: no page language"
        collector = HeadingCollector()
        collector.feed(html)
        levels = collector.levels
        assert levels and levels[0] == 1 and levels.count(1) == 1, f"{page.name}: {levels}"
        for previous, level in zip(levels, levels[1:]):
            assert level <= previous + 1, f"{page.name}: h{previous} followed by h{level}"


def test_every_chapter_opens_with_goals_and_closes_with_a_summary(root, site_dir):
    """Chapters state prerequisites and learning goals first, a summary and a lab link last."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    chapters = [c["file"] for part in toc["parts"] if part["caption"] == "The intuitions"
                for c in part["chapters"]]
    assert len(chapters) == 8
    for doc in chapters:
        text = (site_dir / f"{doc}.html").read_text(encoding="utf-8")
        article = text[text.index("<article"):text.index("</article>")]
        body = re.sub(r"<[^>]+>", " ", article)
        goals, summary = body.find("You will learn"), body.find("Summary")
        assert 0 <= goals < summary, f"{doc}: learning goals and summary missing or misplaced"
        assert "Prerequisites" in body[: summary], f"{doc}: no prerequisites"
        assert 'href="labs.html#lab-' in article, f"{doc}: no link to its lab"
