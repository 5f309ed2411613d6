"""Site-wide adjustments for the course website that no configuration option covers.

The site is read offline and never runs code live, so the live-code launcher (sphinx-thebe,
which Jupyter Book 1.x always loads) is switched off here. Left on, it declares the same
JavaScript constant twice on every page ("Identifier 'THEBE_JS_URL' has already been
declared" in the browser console) and writes a CDN address into every page.
"""

from __future__ import annotations

from sphinx.application import Sphinx

THEBE_HANDLERS = {"init_thebe_core", "update_thebe_context"}


def disconnect_thebe(app: Sphinx) -> None:
    """Remove sphinx-thebe's event handlers so it adds no script and no configuration."""
    for listeners in app.events.listeners.values():
        for listener in list(listeners):
            handler = listener.handler
            if handler.__module__ == "sphinx_thebe" and handler.__name__ in THEBE_HANDLERS:
                app.disconnect(listener.id)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", disconnect_thebe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
