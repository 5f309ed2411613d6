"""Student text and outputs as HTML that cannot run, load or hide anything.

Every page the tool writes from student material (feedback, the teaching assistants' pages,
the report) passes student Markdown and notebook outputs through :func:`clean_fragment`, a
strict allowlist of the maintained ``nh3`` sanitiser (the Rust ``ammonia`` library): no
``<script>``, ``<style>``, ``<iframe>``, forms or event-handler attributes, no ``class`` or
``style`` a student could use to cover the page, links only to ``http``, ``https`` and
``mailto``, pictures only as embedded ``data:image/...`` (nothing is fetched from the web).
Mathematics stays as text (``$...$``) for the bundled MathJax to typeset.

:func:`executable_parts` lists what would run in a page (script elements, event handlers,
``javascript:`` URLs, frames); the tests and the feedback writer use it as a final check.
"""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["clean_fragment", "markdown_to_safe_html", "one_line_block", "executable_parts",
           "page_text", "mathjax_file", "offline_math", "MATHJAX_NAME"]

MATHJAX_NAME = "tex-svg-full.js"  # every TeX extension bundled: nothing loaded on demand
MATHJAX_SAFE = "ui/safe.js"  # MathJax's own filter of URLs, styles, classes and ids in TeX

#: tags a student's answer or an output may use: text structure, tables, code, pictures
TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details",
        "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
        "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong",
        "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u",
        "ul", "var"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
              "td": {"colspan", "rowspan", "align"}, "th": {"colspan", "rowspan", "align"},
              "ol": {"start"}, "abbr": {"title"},
              **{f"h{level}": {"id"} for level in range(1, 7)}}  # a heading's own anchor
_IMAGE_DATA = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_MATH = re.compile(r"\$[^$\n]+\$|\\\(|\\\[|\\begin\{")


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src":  # embedded pictures only: nothing from the web
        return value if _IMAGE_DATA.fullmatch(value) else None
    if name == "href" and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("data:"):
        return None
    if name in {"width", "height"}:
        return value if re.fullmatch(r"\d{1,4}(?:px|%)?", value) else None
    return value


def clean_fragment(fragment: str) -> str:
    """Sanitise an HTML fragment written or produced by a student.

    Examples
    --------
    >>> clean_fragment('<p onclick="x()">Hi <script>alert(1)</script><b>there</b></p>')
    '<p>Hi <b>there</b></p>'
    >>> clean_fragment('<a href="javascript:alert(1)">link</a><iframe src="x"></iframe>')
    '<a rel="noopener noreferrer">link</a>'
    """
    import nh3

    return nh3.clean(fragment, tags=TAGS, attributes=ATTRIBUTES,
                     clean_content_tags={"script", "style", "iframe", "object", "embed",
                                         "template", "noscript", "title", "textarea"},
                     url_schemes={"http", "https", "mailto", "data"},
                     attribute_filter=_keep_attribute, strip_comments=True)


def markdown_to_safe_html(text: str, attachments: dict | None = None) -> str:
    """Render Markdown (with ``$math$`` kept for MathJax) and sanitise the result.

    ``attachments`` are a notebook cell's attachments: ``attachment:<name>`` pictures are
    embedded as ``data:`` URLs when they are PNG, JPEG, GIF or WebP.

    Examples
    --------
    >>> markdown_to_safe_html("**Yes**: $s_1 > s_2$ <img src=x onerror=alert(1)>")
    '<p><strong>Yes</strong>: $s_1 &gt; s_2$ <img></p>\\n'
    """
    from nbconvert.filters.markdown import markdown2html

    rendered = markdown2html(text)

    def embed(match: re.Match) -> str:
        name = html.unescape(match.group(1))
        bundle = (attachments or {}).get(name, {})
        for mime in ("image/png", "image/jpeg", "image/gif", "image/webp"):
            data = bundle.get(mime)
            if isinstance(data, str):
                return f'src="data:{mime};base64,{"".join(data.split())}"'
        return 'src=""'

    rendered = re.sub(r'src="attachment:([^"]*)"', embed, rendered)
    return clean_fragment(rendered)


def one_line_block(fragment: str) -> str:
    """Sanitised HTML on one line inside a ``<div>``: Markdown passes such a block through
    unchanged (an HTML block ends only at a blank line), so it can stand in for a cell.

    Examples
    --------
    >>> one_line_block("<pre>a\\n\\nb</pre>")
    '<div class="svdcourse-safe"><pre>a&#10;&#10;b</pre></div>'
    """
    return '<div class="svdcourse-safe">' + fragment.replace("\r", "").replace(
        "\n", "&#10;") + "</div>"


class _Executable(HTMLParser):
    """Collects what a browser would run in a page."""

    def __init__(self, allowed_scripts: set[str]):
        super().__init__(convert_charrefs=True)
        self.allowed = allowed_scripts
        self.found: list[str] = []
        self._in_script: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            key = attributes.get("src") or ""
            self._in_script = key
            if key and key not in self.allowed:
                self.found.append(f"<script src={key!r}>")
        if tag in {"iframe", "frame", "object", "embed", "base", "meta"} and (
                tag != "meta" or "http-equiv" in attributes):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name.lower() in {"href", "src", "action", "formaction", "xlink:href", "data"} \
                    and value and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(
                        ("javascript:", "vbscript:", "data:text/html")):
                self.found.append(f"<{tag} {name}={value[:40]!r}>")

    def handle_data(self, data):
        if self._in_script == "" and data.strip() and data.strip() not in self.allowed:
            self.found.append(f"<script>{data.strip()[:60]}</script>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def executable_parts(page: str, allowed_scripts: set[str] = frozenset()) -> list[str]:
    """What would run in ``page``: script elements (except ``allowed_scripts``, given by
    ``src`` or by their exact text), event-handler attributes, ``javascript:`` URLs, frames.

    Examples
    --------
    >>> executable_parts('<p>ok</p><img src=x onerror="alert(1)"><a href=" javascript:x">a</a>')
    ['<img onerror=...>', "<a href=' javascript:x'>"]
    """
    parser = _Executable(set(allowed_scripts))
    parser.feed(page)
    parser.close()
    return parser.found


def page_text(page: str) -> str:
    """The visible text of an HTML page (scripts and styles dropped), whitespace collapsed.

    Examples
    --------
    >>> page_text("<style>p{}</style><p>a &lt;b&gt;</p>\\n<p>c</p>")
    'a <b> c'
    """
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def strip_ansi(text: str) -> str:
    """Text without terminal colour codes.

    Examples
    --------
    >>> strip_ansi("\\x1b[0;31mValueError\\x1b[0m: x")
    'ValueError: x'
    """
    return _ANSI.sub("", text)


def mathjax_file() -> Path | None:
    """The bundled MathJax 3 (``tex-svg-full.js``) of ``sphinx-mathjax-offline``, if
    installed; its ``ui/safe.js`` extension lies in the same folder."""
    try:
        from importlib.metadata import distribution

        dist = distribution("sphinx-mathjax-offline")
    except Exception:  # noqa: BLE001  (not installed)
        return None
    for file in dist.files or []:
        if str(file).endswith(f"static/mathjax/{MATHJAX_NAME}"):
            return Path(dist.locate_file(file))
    return None


#: the scripts :func:`offline_math` adds: a configuration and the local MathJax. TeX from a
#: student must not load code or cover the page: no ``\\require`` or loading on demand, and
#: MathJax's ``safe`` extension keeps only http(s) links and harmless styles (``\\href``,
#: ``\\style``, ``\\bbox``)
MATHJAX_CONFIG = ("window.MathJax = {loader: {load: ['ui/safe']}, tex: {inlineMath: "
                  "[['$', '$'], ['\\\\(', '\\\\)']], processEscapes: true, "
                  "packages: {'[-]': ['require', 'autoload']}}};")
MATHJAX_SCRIPTS = {MATHJAX_CONFIG, f"mathjax/{MATHJAX_NAME}"}


def offline_math(body: str, folder: Path) -> str:
    """The ``<script>`` tags that typeset ``body``'s math with a local MathJax copied into
    ``folder/mathjax/``, or an HTML comment when there is no math (no script at all)."""
    source = mathjax_file()
    if not _MATH.search(page_text(body)) or source is None:
        return "<!-- no math on this page: MathJax not loaded -->"
    for name in (MATHJAX_NAME, MATHJAX_SAFE):
        target = folder / "mathjax" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file():
            shutil.copyfile(source.parent / name, target)
    return (f"<script>{MATHJAX_CONFIG}</script>\n"
            f'<script src="mathjax/{MATHJAX_NAME}" defer></script>')
