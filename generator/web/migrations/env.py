"""Alembic environment: runs on the connection handed over by generator.web.db.upgrade."""

from alembic import context

from generator.web.db import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # e.g. `alembic` on the command line with sqlalchemy.url set
    from sqlalchemy import create_engine

    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("没有数据库连接：请在 alembic.ini 中设置 sqlalchemy.url")
    connection = create_engine(url).connect()

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
