"""Undo and redo over a sequence of states (the workbench keeps divisions in it)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

DEFAULT_DEPTH = 50


State = TypeVar("State")


@dataclass
class History(Generic[State]):
    """States with a cursor: ``push`` after an edit, ``undo``/``redo`` move the cursor.

    Keeps the newest ``depth`` + 1 states, so at least ``depth`` edits can be undone; a push
    after an undo drops the states that could have been redone. Each state carries a label (what
    the edit was), shown on the undo and redo buttons.
    """

    depth: int = DEFAULT_DEPTH
    states: list[State] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    cursor: int = -1

    @classmethod
    def starting_at(cls, state: State, label: str = "", depth: int = DEFAULT_DEPTH) -> History[State]:
        """A history whose only state is ``state``."""
        return cls(depth, [state], [label], 0)

    @property
    def current(self) -> State:
        """The state the cursor is on."""
        return self.states[self.cursor]

    def push(self, state: State, label: str) -> None:
        """Record a new state after the current one."""
        del self.states[self.cursor + 1:], self.labels[self.cursor + 1:]
        self.states.append(state)
        self.labels.append(label)
        overflow = len(self.states) - (self.depth + 1)
        if overflow > 0:
            del self.states[:overflow], self.labels[:overflow]
        self.cursor = len(self.states) - 1

    @property
    def can_undo(self) -> bool:
        return self.cursor > 0

    @property
    def can_redo(self) -> bool:
        return self.cursor < len(self.states) - 1

    def undo(self) -> str:
        """Step back; returns the label of the edit undone."""
        if not self.can_undo:
            raise IndexError("nothing to undo")
        self.cursor -= 1
        return self.labels[self.cursor + 1]

    def redo(self) -> str:
        """Step forward again; returns the label of the edit redone."""
        if not self.can_redo:
            raise IndexError("nothing to redo")
        self.cursor += 1
        return self.labels[self.cursor]
