"""Memory a large read has freed, handed back to the system.

Reading a city's incidents allocates and frees gigabytes in pieces: the SQLite driver's batches (C ``malloc``, in
the arena of the thread that read them) and Arrow's typed copies (Arrow's own allocator, mimalloc). Both
allocators keep what was freed for later use, so a server process stayed at twice the size of the frame it
kept: at 1M incidents reading the incidents raised it by 505 MB for a frame of 170 MB. Handing the freed pages
back after the read brings the rise to the frame's size (184 MB there).
"""
from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache

import pyarrow as pa


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS, Windows)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
        return trim
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    """Return the pages that Arrow's allocator and the C library's keep free to the system.

    ``pyarrow.MemoryPool.release_unused`` for Arrow's pool, then ``malloc_trim(0)``, which releases the free pages
    of every ``malloc`` arena, not only the top of the main heap. Takes milliseconds; nothing in use is touched.
    """
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
