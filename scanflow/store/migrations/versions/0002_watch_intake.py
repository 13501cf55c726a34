"""watched inbox: the intake ledger (units found in the inbox and the dossiers they were split into)

Revision ID: 0002_watch
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_watch"
down_revision = "0001"
branch_labels = None
depends_on = None

_ACTIVE = "state IN ('waiting', 'processing', 'done')"


def upgrade() -> None:
    op.create_table(
        "intake_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station", sa.String(length=120), nullable=False),
        sa.Column("rel_path", sa.Text(), nullable=False),
        sa.Column("given", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("interruptions", sa.Integer(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("masters", sa.JSON(), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_intake_unit_state", "intake_unit", ["state"])
    op.create_index(
        "ux_intake_unit_live_path",
        "intake_unit",
        ["station", "rel_path"],
        unique=True,
        sqlite_where=sa.text(_ACTIVE),
        postgresql_where=sa.text(_ACTIVE),
    )
    op.create_table(
        "intake_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("given", sa.Text(), nullable=False),
        sa.Column("cover", sa.String(length=64), nullable=True),
        sa.Column("first_page", sa.Integer(), nullable=False),
        sa.Column("last_page", sa.Integer(), nullable=False),
        sa.Column("work_path", sa.Text(), nullable=True),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("set_aside", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["intake_unit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "seq", name="uq_intake_part_seq"),
    )
    op.create_index("ix_intake_part_unit_id", "intake_part", ["unit_id"])
    op.create_index("ix_intake_part_dossier_id", "intake_part", ["dossier_id"])


def downgrade() -> None:
    op.drop_index("ix_intake_part_dossier_id", table_name="intake_part")
    op.drop_index("ix_intake_part_unit_id", table_name="intake_part")
    op.drop_table("intake_part")
    op.drop_index("ux_intake_unit_live_path", table_name="intake_unit")
    op.drop_index("ix_intake_unit_state", table_name="intake_unit")
    op.drop_table("intake_unit")
