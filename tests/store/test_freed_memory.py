"""Freed memory goes back to the system (:mod:`analysis.store.freed_memory`)."""
from __future__ import annotations

import ctypes.util
import subprocess
import sys
import textwrap

import pytest

from analysis.settings import PROJECT_ROOT

# In a fresh interpreter: 200 MB in 64 KB blocks from C's malloc (below its mmap threshold: on the heap), all
# freed but the last, which keeps the heap's top in use; the resident size before and after the release.
SCRIPT = textwrap.dedent("""
    import ctypes, ctypes.util
    from analysis.store.freed_memory import release_freed_memory

    def rss_mb():
        return next(int(line.split()[1]) / 1024 for line in open("/proc/self/status") if line.startswith("VmRSS"))

    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.malloc.restype, libc.malloc.argtypes, libc.free.argtypes = ctypes.c_void_p, [ctypes.c_size_t], [ctypes.c_void_p]
    blocks = [libc.malloc(64 * 1024) for _ in range(3200)]
    for block in blocks:
        ctypes.memset(block, 1, 64 * 1024)
    for block in blocks[:-1]:
        libc.free(block)
    held = rss_mb()
    release_freed_memory()
    print(held, rss_mb())
""")


@pytest.mark.skipif(not sys.platform.startswith("linux") or ctypes.util.find_library("c") is None,
                    reason="the resident size is read from /proc, the release is glibc's")
def test_memory_freed_but_kept_by_malloc_is_handed_back():
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"})
    held, after = (float(v) for v in out.stdout.split())
    assert held - after > 150, (held, after)     # of the 200 MB freed
