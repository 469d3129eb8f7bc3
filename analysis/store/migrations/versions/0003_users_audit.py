"""Users (logins of the district server) and the audit log.

The audit log is append-only in the database itself: triggers refuse to change or delete a line, so
that not even a bug in the product (or a person with the product's database account) rewrites it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 03:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

REFUSAL = "the audit log is append-only"
SQLITE_TRIGGERS = [f"""CREATE TRIGGER audit_no_{verb.lower()} BEFORE {verb} ON audit
                       BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""" for verb in ("UPDATE", "DELETE")]
POSTGRES_TRIGGERS = [f"""CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                         BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$""",
                     """CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
                        FOR EACH ROW EXECUTE FUNCTION audit_append_only()"""]


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("street", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "audit",
        sa.Column("audit_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("target", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("audit_id"),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    for statement in POSTGRES_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_append_only ON audit")
        op.execute("DROP FUNCTION audit_append_only()")
    op.drop_index("ix_audit_at", "audit")
    op.drop_table("audit")
    op.drop_table("users")
