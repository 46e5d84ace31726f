"""``juesuan-gen serve``: adding accounts, the admin's first sign-in, the loopback rule."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("fastapi")


def serve(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "serve", *args], capture_output=True, text=True,
                          timeout=timeout, check=False)


def test_add_account_prints_one_token_line_that_works(tmp_path):
    r = serve("--data", str(tmp_path), "--add-account", "clerk", "--unit", "某单位")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("jg_") and len(lines[0]) > 30
    from generator.web.db import open_database
    from generator.web.security import account_by_token

    engine, sessions = open_database(f"sqlite:///{tmp_path / 'juesuan.db'}")
    with sessions() as db:
        account = account_by_token(db, lines[0])
        assert account.name == "clerk" and account.unit.name == "某单位" and not account.is_admin
    engine.dispose()
    again = serve("--data", str(tmp_path), "--add-account", "clerk", "--unit", "某单位")
    assert again.returncode == 2 and "已存在" in again.stderr and again.stdout == ""


def test_add_account_needs_a_role(tmp_path):
    r = serve("--data", str(tmp_path), "--add-account", "x")
    assert r.returncode == 2 and "--admin" in r.stderr
    r = serve("--data", str(tmp_path), "--unit", "某单位")
    assert r.returncode == 2 and "--add-account" in r.stderr


def test_serving_beyond_loopback_requires_an_admin_password(tmp_path):
    r = serve("--data", str(tmp_path), "--host", "0.0.0.0", "--port", "1")
    assert r.returncode == 2
    assert "管理员须先设置密码" in r.stderr


def test_first_start_creates_the_admin_with_a_one_time_link(tmp_path):
    from fastapi.testclient import TestClient

    from generator.web.accounts import ensure_admin
    from generator.web.app import create_app
    from tests.web_support import make_settings

    app = create_app(make_settings(tmp_path))
    with app.state.sessions.begin() as db:
        link = ensure_admin(db)
    assert link
    client = TestClient(app)
    r = client.get(f"/signin/once?token={link}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/account")
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "设置密码" in client.get("/account").text
    # the link works once
    assert TestClient(app).get(f"/signin/once?token={link}", follow_redirects=False).status_code == 404


def test_cookie_is_secure_behind_an_https_proxy(tmp_path):
    """uvicorn sets the scheme from X-Forwarded-Proto of a trusted proxy; the cookie follows it."""
    from fastapi.testclient import TestClient

    from generator.web.accounts import ensure_admin
    from generator.web.app import create_app
    from tests.web_support import make_settings

    app = create_app(make_settings(tmp_path))
    with app.state.sessions.begin() as db:
        link = ensure_admin(db)
    client = TestClient(app, base_url="https://intranet.example")
    r = client.get(f"/signin/once?token={link}", follow_redirects=False)
    assert "Secure" in r.headers["set-cookie"]
