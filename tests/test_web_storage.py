"""Storage of the web server on SQLite and on a real PostgreSQL: the migrations from an empty
database, the models, and data surviving a restart (a new engine on the same database)."""

from __future__ import annotations

import os
import uuid

import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("alembic")

from sqlalchemy import inspect, select  # noqa: E402

from tests.web_support import PostgresCluster, pg_bin  # noqa: E402

TABLES = {"accounts", "units", "web_sessions", "batches", "submissions", "output_files", "jobs", "audit_log",
          "login_attempts", "department_workbooks", "alembic_version"}


@pytest.fixture(scope="module")
def postgres():
    if pg_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have PostgreSQL (scripts/setup.sh installs the postgresql package)")
        pytest.skip("PostgreSQL is not installed here (scripts/setup.sh installs the postgresql package)")
    cluster = PostgresCluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'juesuan.db'}"
    cluster = request.getfixturevalue("postgres")
    return cluster.create_database("t_" + uuid.uuid4().hex[:12])


def test_migration_creates_the_schema_from_an_empty_database(database_url):
    from generator.web.db import current_revision, make_engine, open_database

    engine = make_engine(database_url)
    assert current_revision(engine) is None
    assert inspect(engine).get_table_names() == []
    engine.dispose()
    engine, _ = open_database(database_url)
    assert set(inspect(engine).get_table_names()) == TABLES
    assert current_revision(engine) == "0002"
    # upgrading again is a no-op and keeps the data
    open_database(database_url)[0].dispose()
    engine.dispose()


def test_an_upgrade_from_the_first_schema_keeps_the_data(database_url):
    """A bureau's database of the first release: upgraded in place, its accounts and units kept."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from generator.web.db import MIGRATIONS, Unit, current_revision, make_engine, open_database

    engine = make_engine(database_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO units (id, name, created_at) VALUES (7, '某某单位', '2025-01-01 00:00:00')"))
    assert "department_workbooks" not in inspect(engine).get_table_names()
    engine.dispose()
    engine, sessions = open_database(database_url)
    assert current_revision(engine) == "0002"
    assert "department_workbooks" in inspect(engine).get_table_names()
    with sessions() as db:
        assert db.get(Unit, 7).name == "某某单位"
    engine.dispose()


def test_models_round_trip_and_survive_a_restart(database_url):
    from generator.web.accounts import create_account
    from generator.web.db import AuditEntry, Job, OutputFile, Submission, open_database
    from generator.web.security import account_by_token, verify_password

    engine, sessions = open_database(database_url)
    findings = [{"severity": "警告", "rule": "x", "message": "政府采购总额 900.52 ≠ 900.12", "cells": ["政府采购!C5"]}]
    with sessions.begin() as db:
        account, token = create_account(db, "clerk", "某单位", admin=False, password="abc12345x")
        sub = Submission(unit=account.unit, year=2024, account_id=account.id, filename="某单位.xlsx",
                         stored="ab" * 16 + ".xlsx", size=10, status="queued",
                         result={"unit": "某单位", "findings": findings})
        db.add(sub)
        db.flush()
        db.add(Job(submission_id=sub.id, state="pending"))
        db.add(OutputFile(submission_id=sub.id, kind="pdf", filename="某单位.pdf", stored="cd" * 16, size=3))
        db.add(AuditEntry(account_id=account.id, account_name="clerk", action="上传", detail="某单位.xlsx"))
    engine.dispose()

    engine, sessions = open_database(database_url)  # "restart"
    with sessions() as db:
        account = account_by_token(db, token)
        assert account is not None and account.unit.name == "某单位"
        assert verify_password(account.password_hash, "abc12345x")
        assert not verify_password(account.password_hash, "wrong")
        sub = db.scalars(select(Submission)).one()
        assert sub.result["findings"] == findings  # JSON with Chinese text intact
        assert [o.kind for o in sub.outputs] == ["pdf"]
        job = db.scalars(select(Job)).one()
        assert (job.state, job.submission_id) == ("pending", sub.id)
        assert db.scalars(select(AuditEntry)).one().detail == "某单位.xlsx"
    engine.dispose()


def test_account_names_are_unique(database_url):
    from generator.web.accounts import create_account
    from generator.web.db import open_database

    engine, sessions = open_database(database_url)
    with sessions.begin() as db:
        create_account(db, "a1", None, admin=True)
    with sessions.begin() as db, pytest.raises(ValueError, match="已存在"):
        create_account(db, "a1", "某单位", admin=False)
    engine.dispose()
