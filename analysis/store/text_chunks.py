"""Text columns held as one piece of memory each.

Pandas keeps a text column as an Arrow chunked array, one chunk per batch it was read in: 153 chunks of 65,536
rows from a 10M city's snapshot, 40 from its store read in parts. Arrow takes rows from a chunked array chunk by
chunk, so picking the 25,000 rows of a community from each text column cost 40-80 ms at 10M, and a page picks
from six of them several times; from one chunk it costs 2-4 ms. Joining the chunks costs 0.34 s once at 10M
and gives memory back (the chunks' slack: 2,000 to 1,860 MB).
"""
from __future__ import annotations

import pandas as pd
import pyarrow as pa

from analysis.store.freed_memory import release_freed_memory


def join_text_chunks(frame: pd.DataFrame) -> None:
    """Replace each Arrow-backed text column of ``frame`` held in several chunks by the same values in one chunk
    (in place; same dtype, same values), handing each column's old chunks back as it goes."""
    for name in frame.columns:
        values = frame[name].array
        if not isinstance(values, pd.arrays.ArrowStringArray):
            continue
        chunks = pa.array(values)        # the column's own chunked array (no copy), or its one array
        if isinstance(chunks, pa.ChunkedArray) and chunks.num_chunks > 1:
            frame[name] = pd.array(pa.chunked_array([chunks.combine_chunks()]), dtype=frame[name].dtype)
            del chunks, values
            release_freed_memory()
