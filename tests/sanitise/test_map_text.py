"""Text on maps is never read as a template: folium hands each rendered layer to Jinja again, so a name like
``{{ 7*7 }}`` must reach the browser as those characters, not as 49 (or as Python run on the server)."""
import json
import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis.sanitise.map_text import MAP_JSON, map_html_text, records_json, template_safe_json

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


RECORD_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                          st.text(alphabet="{}%#<>&'ab\"\\ \n网格\u2028"))


@given(st.lists(st.tuples(st.text(alphabet="{%#a网\""), RECORD_VALUES, RECORD_VALUES), max_size=6),
       st.sampled_from(["object", "str"]))
def test_records_are_written_as_each_rows_object_is(rows, text_dtype):
    """A column at a time, every row's text is the one ``template_safe_json`` writes for the row's record: keys
    sorted, texts through json's own writer, numbers, None, NaN and booleans as json writes them."""
    frame = pd.DataFrame({"tip": [r[0] for r in rows], "b": [r[1] for r in rows], "a": [r[2] for r in rows]})
    frame["tip"] = frame["tip"].astype(text_dtype) if rows else frame["tip"]
    written = records_json(frame)
    assert written == [template_safe_json(record, **MAP_JSON) for record in frame.to_dict("records")]
    assert not any(TAG.search(text) for text in written)


def test_records_of_a_frame_without_columns_are_empty_objects():
    assert records_json(pd.DataFrame(index=range(3))) == ["{}", "{}", "{}"]
    assert template_safe_json(7, **MAP_JSON) == "7" and template_safe_json(True, **MAP_JSON) == "true"
