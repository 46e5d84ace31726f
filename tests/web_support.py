"""Helpers of the web server tests: a throwaway PostgreSQL cluster, apps, accounts, waiting."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SAMPLE_12345 = REPO / "samples" / "乌鲁木齐市12345政务服务热线中心.xlsx"
SAMPLE_CENTRE = REPO / "samples" / "乌鲁木齐市政务服务中心.xlsx"
UNIT_12345 = "乌鲁木齐市12345政务服务热线中心"
UNIT_CENTRE = "乌鲁木齐市政务服务中心"
PASSWORD = "pass1234word"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_cli(data: Path, *args: str) -> str:
    """``juesuan-gen serve --data DATA ARGS…`` that exits (e.g. ``--add-account``): its output."""
    r = subprocess.run([sys.executable, "-m", "generator", "serve", "--data", str(data), *args],
                       capture_output=True, text=True, check=True, timeout=120)
    return r.stdout.strip()


@contextlib.contextmanager
def serving(data: Path, *options: str) -> Iterator[str]:
    """``juesuan-gen serve --data DATA OPTIONS…`` on a free loopback port, its output in
    DATA/server.log: yields the base URL once /api/health answers, and stops the server on leaving."""
    import httpx

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(data / "server.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--data", str(data), "--port", str(port),
                                 *options], stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None:
                    raise RuntimeError((data / "server.log").read_text())
                time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PostgresCluster:
    """A PostgreSQL server in a temporary folder on a free loopback port, stopped by :meth:`stop`.

    PostgreSQL refuses to run as root: as root the cluster belongs to the ``postgres`` user
    (created by Debian's package) and its commands run through ``runuser``."""

    def __init__(self):
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb)")
        self.dir = Path(tempfile.mkdtemp(prefix="juesuan-pg-"))
        self.port = free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            user = "postgres"
            pwd.getpwnam(user)
            shutil.chown(self.dir, user)
            self.prefix = ["runuser", "-u", user, "--"]
        self.data = self.dir / "data"
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "60", "-o",
                  f"-p {self.port} -h 127.0.0.1 -k {self.dir} -F", "start")
        self.started = True

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.prefix, str(self.bin / tool), *args], check=True, capture_output=True, text=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def make_settings(data_dir: Path, database_url: str | None = None, **kw):
    from generator.web.config import Settings

    kw.setdefault("workers", 1)
    return Settings(data_dir=data_dir, database_url=database_url, **kw)


def add_account(app, name: str, unit: str | None = None, admin: bool = False, password: str = PASSWORD) -> str:
    from generator.web.accounts import create_account

    with app.state.sessions.begin() as db:
        _, token = create_account(db, name, unit, admin, password)
    return token


STAFF: dict[str, tuple[str, str | None]] = {
    "admin": ("boss", None),
    "a": ("clerk-a", UNIT_12345),
    "b": ("clerk-b", UNIT_CENTRE),
}
"""The usual accounts: key → (account name, its unit; None for the administrator)."""


def add_accounts(app, accounts: dict[str, tuple[str, str | None]]) -> dict[str, str]:
    """Tokens of new ``accounts`` (as :data:`STAFF`), by key, made in this order."""
    return {key: add_account(app, name, unit=unit, admin=unit is None) for key, (name, unit) in accounts.items()}


@contextlib.contextmanager
def running_app(
    data_dir: Path, accounts: dict[str, tuple[str, str | None]] = STAFF, **settings
) -> Iterator[tuple[Any, Any, dict[str, str]]]:
    """An app on ``data_dir`` (:func:`make_settings` with ``settings``), started — its generation
    workers run — with a client of it and the tokens of ``accounts``."""
    from fastapi.testclient import TestClient

    from generator.web.app import create_app

    app = create_app(make_settings(data_dir, **settings))
    with TestClient(app) as client:
        yield app, client, add_accounts(app, accounts)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def upload(client, path: Path, token: str, url: str = "/api/submissions", **data):
    with open(path, "rb") as fh:
        return client.post(url, files={"file": (path.name, fh.read())}, headers=bearer(token), data=data)


def wait_for(client, sid: int, token: str, timeout: float = 240) -> dict:
    """Poll a submission until it left the queue (generous: the test machine may be busy)."""
    deadline = time.monotonic() + timeout
    while True:
        got = client.get(f"/api/submissions/{sid}", headers=bearer(token)).json()
        if got["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return got
        time.sleep(0.3)


def sign_in(client, name: str, password: str = PASSWORD):
    """Sign in through the form; returns the page's CSRF token."""
    import re

    page = client.get("/login")
    pre = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post("/login", data={"name": name, "password": password, "csrf_token": pre}, follow_redirects=False)
    assert r.status_code == 303, r.text
    home = client.get("/account")
    return re.search(r'<meta name="csrf-token" content="([^"]*)"', home.text).group(1)
