"""A text column read in batches is held as one chunk after the load, with the same values."""
import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.store.text_chunks import join_text_chunks


def _chunked(*parts: list) -> pd.arrays.ArrowStringArray:
    return pd.array(pa.chunked_array([pa.array(p, type=pa.large_string()) for p in parts]), dtype="str")


def test_a_text_column_in_three_chunks_becomes_one_with_the_same_values():
    frame = pd.DataFrame({"id": _chunked(["a", "b"], ["c", None], ["=d"]),
                          "kind": pd.Categorical(["x", "y", "x", "y", "x"]), "n": np.arange(5)})
    before = frame.copy()
    kind = frame["kind"].array
    assert pa.array(frame["id"].array).num_chunks == 3
    join_text_chunks(frame)
    chunks = pa.array(frame["id"].array)
    assert not isinstance(chunks, pa.ChunkedArray) or chunks.num_chunks == 1
    pd.testing.assert_frame_equal(frame, before)                 # same values, dtypes and missing value
    assert frame["kind"].array is kind                           # other columns left as they were
    assert frame["id"].iloc[[4, 0]].tolist() == ["=d", "a"]


def test_a_frame_without_text_or_with_one_chunk_is_left_alone():
    frame = pd.DataFrame({"id": pd.array(["a", "b"], dtype="str"), "n": [1, 2]})
    held = frame["id"].array
    join_text_chunks(frame)
    assert frame["id"].array is held
    join_text_chunks(pd.DataFrame())
