"""Text from files as the maps draw it: HTML-escaped, and never read as a template.

folium renders each layer's script, then hands the result to Jinja as a new template (branca's ``MacroElement``
does so). Text that reaches a map is therefore read by Jinja a second time: a grid named ``{{ 7*7 }}`` would be
drawn as ``49``, and a name with a longer expression would run Python on the server. So every brace of such text
is written so that Jinja cannot see a tag: ``&#123;`` where the text is HTML (names, tooltips, popups, legends) and
``\\u007b`` inside JSON (a layer's data, through :func:`template_safe_json`).
"""
from __future__ import annotations

import html
import json
import re
from typing import Any

_TAG_OPENING = re.compile(r"\{(?=[{%#])")   # {{ {% {#: where a Jinja tag, statement or comment would begin


def map_html_text(text: object) -> str:
    """``text`` as HTML that shows it literally: ``& < > " '`` escaped, and ``{`` as ``&#123;``."""
    return html.escape(str(text)).replace("{", "&#123;")


def template_safe_json(obj: Any, **kwargs: Any) -> str:
    """``json.dumps(obj, **kwargs)`` with no Jinja tag opening left in it.

    In JSON a ``{`` that opens an object is followed by ``"`` or ``}``, so ``{{``, ``{%`` and ``{#`` occur only
    inside strings, where ``\\u007b`` stands for the same brace.
    """
    return _TAG_OPENING.sub(r"\\u007b", json.dumps(obj, **kwargs))
