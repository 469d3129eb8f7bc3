"""Text on maps is never read as a template: folium hands each rendered layer to Jinja again, so a name like
``{{ 7*7 }}`` must reach the browser as those characters, not as 49 (or as Python run on the server)."""
import json
import re

from hypothesis import given
from hypothesis import strategies as st

from analysis.sanitise.map_text import map_html_text, template_safe_json

TAG = re.compile(r"\{[{%#]")


def test_html_text_shows_braces_and_markup_literally():
    assert map_html_text("{{ 7*7 }} <b>&") == "&#123;&#123; 7*7 }} &lt;b&gt;&amp;"
    assert map_html_text("{% if x %}{# c #}") == "&#123;% if x %}&#123;# c #}"
    assert map_html_text(12) == "12"


def test_json_keeps_its_meaning_and_loses_every_tag_opening():
    data = {"a": "{{ 7*7 }}", "b": ["{%", "{#", "{{{", "{x}"], "c": {"d": {}}, "e": [{}]}
    text = template_safe_json(data, separators=(",", ":"))
    assert json.loads(text) == data
    assert not TAG.search(text)
    assert text.startswith('{"a":"\\u007b{ 7*7 }}"')          # the brace that opens no tag stays


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet="{}%#ab\"\\ 网格"),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(alphabet="{%#a网"), inner, max_size=4),
    max_leaves=20)


@given(JSON_VALUES)
def test_any_json_value_round_trips_without_a_tag_opening(value):
    for kwargs in ({}, {"ensure_ascii": False, "separators": (",", ":"), "sort_keys": True}):
        text = template_safe_json(value, **kwargs)
        assert json.loads(text) == value and not TAG.search(text)
