"""The store: tables, the :class:`Store` (SQLite by default, any SQLAlchemy database), bulk
staging, the review queue and the summary of what is stored."""
from analysis.store.database import DEFAULT_PATH, Store, now_text
from analysis.store.errors import StoreError, store_problem
from analysis.store.status import monthly_counts, revision, summarise
from analysis.store.tables import MATCH_METHODS, REGISTERS

__all__ = ["DEFAULT_PATH", "MATCH_METHODS", "REGISTERS", "Store", "StoreError", "monthly_counts", "now_text",
           "revision", "store_problem", "summarise"]
