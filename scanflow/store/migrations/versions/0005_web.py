"""dashboard: users, sessions, audit log, login failures; full-text index of page text

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 14:00:00

The full-text index depends on the database: SQLite gets an FTS5 table (rowid = page.id) with a trigger
that drops a page's entry when the page row is deleted; PostgreSQL gets a table of tsvectors with GIN
indexes, removed with the page by ON DELETE CASCADE. Both index two keys per page, filled by
scanflow.search: the accent-folded text and the exact (lower-case, NFC) text.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "web_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["web_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_web_session_user_id", "web_session", ["user_id"])
    op.create_index("ix_web_session_expires_at", "web_session", ["expires_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["web_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_failure_at", "login_failure", ["at"])
    op.create_index("ix_login_failure_username", "login_failure", ["username"])
    op.create_index("ix_login_failure_address", "login_failure", ["address"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE search_page ("
            " page_id INTEGER PRIMARY KEY REFERENCES page(id) ON DELETE CASCADE,"
            " tsv_folded TSVECTOR NOT NULL,"
            " tsv_exact TSVECTOR NOT NULL)"
        )
        op.execute("CREATE INDEX ix_search_page_folded ON search_page USING GIN (tsv_folded)")
        op.execute("CREATE INDEX ix_search_page_exact ON search_page USING GIN (tsv_exact)")
    else:
        # remove_diacritics 0: the exact column keeps its marks; the folded column has none to remove.
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(folded, exact, tokenize = 'unicode61 remove_diacritics 0')"
        )
        op.execute(
            "CREATE TRIGGER search_fts_page_deleted AFTER DELETE ON page "
            "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE IF EXISTS search_page")
    else:
        op.execute("DROP TRIGGER IF EXISTS search_fts_page_deleted")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("login_failure")
    op.drop_table("audit_log")
    op.drop_table("web_session")
    op.drop_table("web_user")
