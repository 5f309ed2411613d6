"""Site-wide adjustments for the course website that no configuration option covers.

- Provenance: every page's footer says when the site was built and with which versions of
  numpy, the helper package and Jupyter Book (``SOURCE_DATE_EPOCH`` fixes the date for
  reproducible builds).
- The site is read offline and never runs code live, so the live-code launcher
  (sphinx-thebe, which Jupyter Book 1.x always loads) is switched off. Left on, it declares
  the same JavaScript constant twice on every page ("Identifier 'THEBE_JS_URL' has already
  been declared" in the browser console) and writes a CDN address into every page.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from importlib.metadata import version

from sphinx.application import Sphinx
from sphinx.config import Config

THEBE_HANDLERS = {"init_thebe_core", "update_thebe_context"}


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


def disconnect_thebe(app: Sphinx) -> None:
    """Remove sphinx-thebe's event handlers so it adds no script and no configuration."""
    for listeners in app.events.listeners.values():
        for listener in list(listeners):
            handler = listener.handler
            if handler.__module__ == "sphinx_thebe" and handler.__name__ in THEBE_HANDLERS:
                app.disconnect(listener.id)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", add_provenance)
    app.connect("builder-inited", disconnect_thebe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
