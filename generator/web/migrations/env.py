"""Alembic environment: runs on the connection handed over by generator.web.db.upgrade."""

from alembic import context

from generator.web.db import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # e.g. `alembic` on the command line with sqlalchemy.url set
    from sqlalchemy import create_engine

    connection = create_engine(config.get_main_option("sqlalchemy.url")).connect()

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
