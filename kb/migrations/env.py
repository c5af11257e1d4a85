"""Alembic environment: runs migrations on the engine Casusbank hands over."""

from alembic import context

from kb.models import SQLModel

engine = context.config.attributes["engine"]
target_metadata = SQLModel.metadata

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
