"""Undo and redo of a division's edits."""
from __future__ import annotations

import pytest

from analysis.division.history import History


def test_undo_redo_twenty_steps_and_branching():
    history = History.starting_at(0)
    for step in range(1, 26):
        history.push(step, f"edit {step}")
    for _ in range(20):
        history.undo()
    assert history.current == 5 and history.can_undo
    assert history.redo() == "edit 6" and history.current == 6
    history.push(100, "other")
    assert not history.can_redo and history.current == 100
    history.undo()
    assert history.current == 6


def test_history_keeps_its_depth():
    history = History.starting_at(0, depth=3)
    for step in range(1, 10):
        history.push(step, "")
    undone = 0
    while history.can_undo:
        history.undo()
        undone += 1
    assert undone == 3 and history.current == 6
    with pytest.raises(IndexError):
        history.undo()
