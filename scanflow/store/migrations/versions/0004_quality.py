"""quality: per-case criteria verdicts and reasons, duplicate-page resolutions, case re-checks, counter indexes

Revision ID: 0004
Revises: 0002_watch
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002_watch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_quality",
        sa.Column("ma_ho_so", sa.String(length=64), nullable=False),
        sa.Column("don_vi", sa.String(length=120), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("dossiers", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("first_archived_at", sa.DateTime(), nullable=False),
        sa.Column("last_archived_at", sa.DateTime(), nullable=False),
        sa.Column("dung", sa.Boolean(), nullable=False),
        sa.Column("du", sa.Boolean(), nullable=False),
        sa.Column("sach", sa.Boolean(), nullable=False),
        sa.Column("song", sa.Boolean(), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("ma_ho_so"),
    )
    op.create_index("ix_case_quality_counters", "case_quality", ["don_vi", "year", "dung", "du", "sach", "song"])
    op.create_index("ix_case_quality_first_archived", "case_quality", ["first_archived_at"])
    op.create_table(
        "quality_reason",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ma_ho_so", sa.String(length=64), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("criterion", sa.String(length=4), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_quality_reason_ma_ho_so", "quality_reason", ["ma_ho_so"])
    op.create_index("ix_quality_reason_dossier_id", "quality_reason", ["dossier_id"])
    op.create_table(
        "duplicate_resolution",
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("resolution", sa.String(length=20), nullable=False),
        sa.Column("resolved_by", sa.String(length=120), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["page.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("page_id"),
    )
    op.create_table(
        "case_recheck",
        sa.Column("ma_ho_so", sa.String(length=64), nullable=False),
        sa.Column("rechecked_at", sa.DateTime(), nullable=False),
        sa.Column("rechecked_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("ma_ho_so"),
    )
    # Covering indexes for the counters of `stats` on the register and the dossiers.
    op.create_index("ix_register_case_year_unit", "register_case", ["year", "don_vi"])
    op.create_index("ix_dossier_backlog", "dossier", ["status", "don_vi", "year"])


def downgrade() -> None:
    op.drop_index("ix_dossier_backlog", table_name="dossier")
    op.drop_index("ix_register_case_year_unit", table_name="register_case")
    op.drop_table("case_recheck")
    op.drop_table("duplicate_resolution")
    op.drop_index("ix_quality_reason_dossier_id", table_name="quality_reason")
    op.drop_index("ix_quality_reason_ma_ho_so", table_name="quality_reason")
    op.drop_table("quality_reason")
    op.drop_index("ix_case_quality_first_archived", table_name="case_quality")
    op.drop_index("ix_case_quality_counters", table_name="case_quality")
    op.drop_table("case_quality")
