"""Alembic environment: runs migrations on the engine handed over by scanflow.store.db."""

from alembic import context

from scanflow.store import intake, maintenance, quality, users  # noqa: F401 - their tables and indexes
from scanflow.store.models import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
