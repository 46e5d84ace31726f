"""Storage: SQLAlchemy 2 models and the database engine.

SQLite in the data folder by default; any SQLAlchemy URL (``postgresql+psycopg://…``) works.
The schema is owned by the Alembic migrations in ``migrations/``; :func:`open_database`
upgrades the database to the newest revision before the server uses it, so an upgrade of
the program keeps a bureau's data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # stored as naive UTC on every backend


class Base(DeclarativeBase):
    pass


class Unit(Base):
    """A 预算单位 of the bureau (named as in its workbooks' 单位信息)."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Account(Base):
    """A person or system signing in: the bureau's administrator or one unit's clerk."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(10))  # "admin" | "unit"
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    signin_link_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)  # one-time link
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    unit: Mapped[Unit | None] = relationship()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class WebSession(Base):
    """A browser's sign-in (cookie holds the token; only its hash is stored)."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(DateTime)

    account: Mapped[Account] = relationship()


class Batch(Base):
    """Several workbooks uploaded at once by the bureau."""

    __tablename__ = "batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    total: Mapped[int] = mapped_column(Integer, default=0)


class Submission(Base):
    """One uploaded workbook (a version of its unit's data) and what became of it.

    ``status``: checked | errors | unreadable | queued | running | generated | failed.
    ``result`` holds the check outcome as ``--check --json`` reports it.
    """

    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"), nullable=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    filename: Mapped[str] = mapped_column(String(255))  # as uploaded (shown, never used as a path)
    stored: Mapped[str] = mapped_column(String(64))  # random name under DATA/files
    size: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="checked")
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    notices: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    generated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    unit: Mapped[Unit | None] = relationship()
    account: Mapped[Account] = relationship()
    outputs: Mapped[list[OutputFile]] = relationship(back_populates="submission", order_by="OutputFile.id")

    __table_args__ = (Index("ix_submissions_unit_year", "unit_id", "year"),)


class OutputFile(Base):
    """A generated document or report of a submission."""

    __tablename__ = "output_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # docx | pdf | html | xlsx | report
    filename: Mapped[str] = mapped_column(String(255))  # download name
    stored: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    submission: Mapped[Submission] = relationship(back_populates="outputs")


class Job(Base):
    """A generation waiting, running or finished; survives a restart.

    ``state``: pending | running | done | failed.  ``attempts`` counts starts: a job found
    running at start-up ran when the server stopped; it is run again once, then marked failed.
    """

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    style: Mapped[str] = mapped_column(String(100), default="", server_default="")  # 公开格式 chosen; "": the workbook's
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    submission: Mapped[Submission] = relationship()


class DepartmentWorkbook(Base):
    """A 部门汇总工作簿: the current submissions of a year's units consolidated by the bureau."""

    __tablename__ = "department_workbooks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    year: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200))  # 部门名称
    filename: Mapped[str] = mapped_column(String(255))  # download name
    stored: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer, default=0)
    units: Mapped[list] = mapped_column(JSON, default=list)  # [{"unit", "submission"}]
    left_out: Mapped[list] = mapped_column(JSON, default=list)  # [{"unit", "submission", "reason"}]
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class AuditEntry(Base):
    """Who did what, when: uploads, generations, downloads, account changes, sign-ins."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now, index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    account_name: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")


class LoginAttempt(Base):
    """A sign-in attempt, for the rate limits per account and per address."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now)
    account_name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_login_attempts_name_at", "account_name", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # one connection per request thread at most (the server's thread pool has 40)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=20, max_overflow=40, pool_timeout=60)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # WAL: readers do not wait for the writer
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=40, pool_timeout=60)


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest migration (creates it from empty)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def open_database(url: str) -> tuple[Engine, sessionmaker]:
    engine = make_engine(url)
    upgrade(engine)
    return engine, sessionmaker(engine, expire_on_commit=False)
