"""maintenance: reprocess runs and their per-dossier progress

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 15:00:00

Owned by scanflow.store.maintenance; touches no other table. Branches from 0001 until the revisions are
chained at merge.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reprocess_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("selection_key", sa.String(length=64), nullable=False),
        sa.Column("selection", sa.JSON(), nullable=False),
        sa.Column("profile", sa.String(length=80), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reprocess_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reprocess_run_selection_key"), ["selection_key"], unique=False)

    op.create_table(
        "reprocess_item",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["reprocess_run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "dossier_id"),
    )
    with op.batch_alter_table("reprocess_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reprocess_item_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reprocess_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reprocess_item_state"))
    op.drop_table("reprocess_item")
    with op.batch_alter_table("reprocess_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reprocess_run_selection_key"))
    op.drop_table("reprocess_run")
