"""Index the batch of every problem and review line, and the file hash of batches.

An import deletes the problems and review lines of earlier imports of the same file (found by its
hash), and the data page lists a batch's problems: without these indexes each is a full scan.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 00:30:00
"""
from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_problems_batch_id", "problems", ["batch_id"], if_not_exists=True)
    op.create_index("ix_review_batch_id", "review", ["batch_id"], if_not_exists=True)
    op.create_index("ix_batches_file_hash", "batches", ["file_hash"], if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_batches_file_hash", "batches")
    op.drop_index("ix_review_batch_id", "review")
    op.drop_index("ix_problems_batch_id", "problems")
