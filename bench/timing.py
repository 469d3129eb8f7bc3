"""Timing shared by the benchmarks."""
from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path


def timed(fn, repeat: int):
    """Median seconds of ``repeat`` calls of ``fn``, and the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def cpu_of(pid: int) -> tuple[int, float]:
    """(parent pid, CPU seconds) of a process, its finished children included (utime, stime, cutime, cstime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def processes_cpu(keep: Callable[[int, str], bool]) -> float:
    """CPU seconds (as :func:`cpu_of`) of every process on this machine now for which ``keep(parent pid, command
    name)`` holds; a process that ends while being read is left out."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent, cpu = cpu_of(int(stat.parent.name))
            name = (stat.parent / "comm").read_text().strip()
        except (OSError, ValueError):
            continue
        total += cpu if keep(parent, name) else 0.0
    return total


def chromium_cpu() -> float:
    """CPU seconds of every Chromium process now (the browser the page benchmarks drive shares the server's cores:
    its share tells a figure the browser bounds from one the server bounds)."""
    return processes_cpu(lambda _, name: "chrom" in name)


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process now, in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb(pid: int | str = "self") -> float:
    """The highest resident memory of a process since it started its program, in MB (VmHWM).

    Not ``getrusage``'s ``ru_maxrss``: Linux carries it over from the forked copy of the parent into the child's
    new program, so a benchmark's child started by a parent holding a written city reported the parent's size
    (4.6 GB for a 10M import whose own peak was 1.1 GB).
    """
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
