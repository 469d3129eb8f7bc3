"""What a login costs on the district server: argon2id verification plus the store's writes (failure count,
audit line), for a right and for a wrong password, against a plain read of the users table.

    python bench/login.py --repeat 20

Timed: ``authenticate`` with the right password, and with a wrong one (each wrong login is followed by a
right one, so that the name never locks). Baseline, same run: ``list_users`` (one read of the same table).
CPU seconds (``time.process_time``) beside wall seconds; peak memory is the process's maximum resident set
size. The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.access.users import LoginRefused, add_user, authenticate, list_users  # noqa: E402
from analysis.store.database import Store  # noqa: E402
from bench.timing import peak_rss_mb  # noqa: E402


def _median(fn, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``repeat`` calls of ``fn``."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, began = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - began)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'login.sqlite'}")
        add_user(store, "bench", "viewer", "the right password")
        baseline = _median(lambda: list_users(store), args.repeat)
        right = _median(lambda: authenticate(store, "bench", "the right password"), args.repeat)

        def wrong() -> None:
            try:
                authenticate(store, "bench", "a wrong password")
            except LoginRefused:
                pass
            authenticate(store, "bench", "the right password")      # clears the count: never locks
        wrong_pair = _median(wrong, args.repeat)
    figures = {
        "login_s": round(right[0], 4), "login_cpu_s": round(right[1], 4),
        "wrong_then_right_s": round(wrong_pair[0], 4), "wrong_then_right_cpu_s": round(wrong_pair[1], 4),
        "baseline_list_users_s": round(baseline[0], 5),
        "login_vs_baseline": round(right[0] / baseline[0], 1) if baseline[0] else None,
        "peak_rss_mb": round(peak_rss_mb()),
    }
    print(f"login {right[0] * 1000:.0f} ms ({right[1] * 1000:.0f} ms CPU), a wrong then a right password "
          f"{wrong_pair[0] * 1000:.0f} ms, list_users {baseline[0] * 1000:.1f} ms; peak RSS {figures['peak_rss_mb']} MB")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
