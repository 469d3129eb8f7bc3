"""The store: tables, the :class:`Store` (SQLite by default, any SQLAlchemy database), bulk
staging, the review queue, the meeting's notes and the summary of what is stored."""
from analysis.store.database import DEFAULT_PATH, Store
from analysis.store.errors import StoreError, store_problem
from analysis.store.notes import save_week_notes, week_notes
from analysis.store.status import monthly_counts, revision, summarise
from analysis.store.tables import MATCH_METHODS, REGISTERS
from analysis.store.types import now_text

__all__ = ["DEFAULT_PATH", "MATCH_METHODS", "REGISTERS", "Store", "StoreError", "monthly_counts", "now_text",
           "revision", "save_week_notes", "store_problem", "summarise", "week_notes"]
