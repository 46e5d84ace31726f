"""The web server attacked, and misused by a confused clerk, over plain HTTP.

Every route of the app's router is listed in ROUTES with who may use it and which ids it takes;
a route added later without an entry fails :func:`test_every_route_of_the_router_is_in_the_table`,
so none escapes the access tests.  A clerk of unit B tries every id of unit A; a logged-out
client, a disabled account and a session that outlived a password change try every route; every
state-changing route is tried without its CSRF token and with another session's; uploads come
with traversal, very long and Chinese names, as a zip bomb named .xlsx, empty, of the wrong type
and two at once; unit names with HTML, quotes, Jinja syntax and spreadsheet formulas must come
back escaped in pages, file names and workbooks; every error answers in Chinese without a
traceback or a path of the server, a stopped database included.
"""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from tests.web_support import (  # noqa: E402
    PASSWORD,
    SAMPLE_12345,
    SAMPLE_CENTRE,
    UNIT_12345,
    UNIT_CENTRE,
    add_account,
    bearer,
    make_settings,
    running_app,
    sign_in,
    upload,
    wait_for,
)

DATA_12345 = SAMPLE_12345.parent / "data" / f"{UNIT_12345}.json"
# a unit name an attacker (or a careless paste) could put in a workbook
EVIL_UNIT = '=HYPERLINK("http://evil.example","点我")<script>alert(1)</script>"\'{{ 7*7 }}{% raw %}单位'
EVIL_TEXT = "<img src=x onerror=alert(2)>{{ config }}{% for x in range(3) %}重复{% endfor %}"
EVIL_DEPT = '=1+2<b onmouseover="alert(3)">x</b>{{ 6*6 }}部门'

# ---------------------------------------------------------------------------------------------
# Every route: (method, path) → who may use it.
#   public      anyone, signed in or not
#   signin      the sign-in form (its own CSRF token, before there is a session)
#   page        a signed-in browser (session cookie); POST pages need the form's CSRF token
#   admin-page  as "page", the bureau's administrator only
#   api         cookie (with X-CSRF-Token when changing) or Bearer token
#   admin-api   as "api", the administrator only
#   admin-or-local-api  as "admin-api", and without signing in from this machine (a loopback address,
#               not forwarded from outside by a proxy) or from anyone under `serve --metrics-public`
#               (tests/test_web_metrics.py); TestClient's client "testclient" is not this machine
# The ids a route takes are filled from the world's objects of unit A (see _url).
ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/openapi.json"): "public",
    ("GET", "/static"): "public",
    ("GET", "/swagger-ui"): "public",
    ("GET", "/"): "public",
    ("GET", "/login"): "public",
    ("POST", "/login"): "signin",
    ("GET", "/signin/once"): "public",
    ("GET", "/api/health"): "public",
    ("GET", "/metrics"): "admin-or-local-api",
    ("GET", "/docs"): "public",
    ("POST", "/logout"): "page",
    ("GET", "/account"): "page",
    ("POST", "/account"): "page",
    ("GET", "/clerk"): "page",
    ("GET", "/submissions/{sid}"): "page",
    ("GET", "/submissions/{sid}/preview"): "page",
    ("GET", "/template.xlsx"): "page",
    ("GET", "/template-next.xlsx"): "page",
    ("GET", "/bureau"): "admin-page",
    ("GET", "/bureau/accounts"): "admin-page",
    ("POST", "/bureau/accounts"): "admin-page",
    ("GET", "/bureau/audit"): "admin-page",
    ("GET", "/bureau/download.zip"): "admin-page",
    ("GET", "/bureau/department"): "admin-page",
    ("POST", "/bureau/department"): "admin-page",
    ("POST", "/api/check"): "api",
    ("POST", "/api/submissions"): "api",
    ("GET", "/api/submissions"): "api",
    ("GET", "/api/submissions/{sid}"): "api",
    ("POST", "/api/submissions/{sid}/generate"): "api",
    ("GET", "/api/submissions/{sid}/files/{kind}"): "api",
    ("POST", "/api/batches"): "admin-api",
    ("GET", "/api/batches/{bid}"): "admin-api",
    ("GET", "/api/units"): "admin-api",
    ("POST", "/api/department-workbooks"): "admin-api",
    ("GET", "/api/department-workbooks"): "admin-api",
    ("GET", "/api/department-workbooks/{did}"): "admin-api",
    ("GET", "/api/department-workbooks/{did}/file"): "admin-api",
}
KINDS = ("docx", "pdf", "html", "xlsx", "report", "source")
PROTECTED = sorted(k for k, v in ROUTES.items() if v not in ("public", "signin"))
CHANGING = sorted(k for k, v in ROUTES.items() if k[0] != "GET")


def _router_routes(app) -> set[tuple[str, str]]:
    found = set()
    for route in app.routes:
        methods = getattr(route, "methods", None) or {"GET"}  # a Mount answers GET
        for m in methods - {"HEAD"}:
            found.add((m, route.path))
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A running app; unit A (clerk-a) with a generated submission, unit B (clerk-b) with a
    checked one, the administrator's upload of a unit with a hostile name (generated), a
    department workbook with a hostile name and a batch."""
    from generator.web.db import Batch, Submission

    data_dir = tmp_path_factory.mktemp("adversarial")
    with running_app(data_dir) as (app, client, tokens):
        sid_a = upload(client, SAMPLE_12345, tokens["a"]).json()["id"]
        sid_b = upload(client, SAMPLE_CENTRE, tokens["b"], generate="false").json()["id"]
        data = json.loads(DATA_12345.read_text(encoding="utf-8"))
        data["unit"]["name"] = EVIL_UNIT
        data["unit"]["functions"][0] = EVIL_TEXT
        evil = client.post("/api/submissions", headers=bearer(tokens["admin"]),
                           files={"file": ("恶意<单位>.json", json.dumps(data, ensure_ascii=False).encode())})
        assert evil.status_code == 202, evil.text
        sid_evil = evil.json()["id"]
        got = wait_for(client, sid_a, tokens["a"])
        assert got["status"] == "generated", got
        got_evil = wait_for(client, sid_evil, tokens["admin"])
        assert got_evil["status"] == "generated", got_evil
        dept = client.post("/api/department-workbooks", headers=bearer(tokens["admin"]),
                           json={"year": 2024, "name": EVIL_DEPT})
        assert dept.status_code == 201, dept.text
        with app.state.sessions.begin() as db:
            batch = Batch(account_id=1, total=1)
            db.add(batch)
            db.flush()
            db.get(Submission, sid_a).batch_id = batch.id
            bid = batch.id
        with app.state.sessions() as db:
            unit_a = db.get(Submission, sid_a).unit_id
            unit_evil = db.get(Submission, sid_evil).unit_id
        ids = {"sid": sid_a, "sid_b": sid_b, "sid_evil": sid_evil, "bid": bid, "did": dept.json()["id"],
               "unit_a": unit_a, "unit_evil": unit_evil}
        yield app, client, tokens, ids, data_dir


def _url(path: str, ids: dict, kind: str = "pdf") -> str:
    url = path.replace("{sid}", str(ids["sid"])).replace("{bid}", str(ids["bid"])) \
        .replace("{did}", str(ids["did"])).replace("{kind}", kind)
    extra = {"/template-next.xlsx": f"?sid={ids['sid']}", "/bureau/download.zip": "?year=2024",
             "/clerk": f"?unit={ids['unit_a']}", "/static": "/app.css", "/swagger-ui": "/swagger-ui.css"}
    return url + extra.get(path, "")


def _call(client, method: str, path: str, ids: dict, headers: dict | None = None, csrf: str = "",
          kind: str = "pdf"):
    """One request of the route, with a plausible body (and the form's CSRF token when given)."""
    url = _url(path, ids, kind)
    headers = dict(headers or {})
    if method == "GET":
        return client.get(url, headers=headers, follow_redirects=False)
    if csrf and path.startswith("/api/"):
        headers["X-CSRF-Token"] = csrf
    workbook = SAMPLE_12345.read_bytes()
    if path in ("/api/check", "/api/submissions"):
        return client.post(url, headers=headers, files={"file": (SAMPLE_12345.name, workbook)},
                           data={"generate": "false"}, follow_redirects=False)
    if path == "/api/batches":
        return client.post(url, headers=headers, files=[("files", (SAMPLE_12345.name, workbook))],
                           follow_redirects=False)
    if path == "/api/department-workbooks":
        return client.post(url, headers=headers, json={"year": 2024, "name": "偷偷汇总的部门"},
                           follow_redirects=False)
    if path == "/api/submissions/{sid}/generate":
        return client.post(url, headers=headers, data={"style": ""}, follow_redirects=False)
    form = {"csrf_token": csrf}
    form.update({
        "/account": {"action": "token"},
        "/bureau/accounts": {"action": "disable", "account_id": "2"},
        "/bureau/department": {"year": "2024", "name": "偷偷汇总的部门"},
        "/login": {"name": "clerk-a", "password": PASSWORD},
    }.get(path, {}))
    return client.post(url, headers=headers, data=form, follow_redirects=False)


def _session(app, name: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    return client, sign_in(client, name)


def _is_signin_redirect(r) -> bool:
    return r.status_code == 303 and r.headers["location"].startswith("/login")


# --------------------------------------------------------------------------- the route table
def test_every_route_of_the_router_is_in_the_table(world):
    app = world[0]
    found = _router_routes(app)
    missing = found - set(ROUTES)
    assert not missing, f"routes without an access rule in ROUTES: {sorted(missing)}"
    assert not set(ROUTES) - found, f"ROUTES lists routes the app no longer has: {sorted(set(ROUTES) - found)}"


# --------------------------------------------------------------------------- unit B tries unit A's ids
@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: f"{r[0]} {r[1]}")
@pytest.mark.parametrize("how", ["token", "session"])
def test_a_clerk_of_unit_b_gets_nothing_of_unit_a(world, route, how):
    app, _, tokens, ids, _ = world
    method, path = route
    if how == "token":
        client, headers, csrf = TestClient(app), bearer(tokens["b"]), ""
        if ROUTES[route].endswith("page"):
            pytest.skip("pages are for browsers (a token is not a browser session)")
    else:
        client, csrf = _session(app, "clerk-b")
        headers = {}
    if path in ("/logout", "/account"):
        pytest.skip("acts on the own account only: no id to try (see the session tests below)")
    kinds = KINDS if "{kind}" in path else ("pdf",)
    for kind in kinds:
        r = _call(client, method, path, ids, headers, csrf, kind=kind)
        if ROUTES[route].startswith("admin"):
            if (method, path) == ("GET", "/bureau"):
                assert r.status_code == 303 and r.headers["location"] == "/clerk"
            else:
                assert r.status_code == 403, (path, r.status_code)
                assert "管理员" in r.text
        elif path == "/api/check":  # checks the workbook sent, stores nothing: nothing of A's is shown
            assert r.status_code == 200
        elif (method, path) == ("POST", "/api/submissions"):  # unit A's workbook, sent by unit B
            assert r.status_code == 403 and "不是本单位" in r.json()["detail"], r.text
        elif path in ("/api/submissions", "/clerk", "/template.xlsx"):
            assert r.status_code == 200  # B's own list and page; the blank workbook is everyone's
            assert UNIT_12345 not in r.text and str(ids["sid"]) not in re.findall(r'"id":\s*(\d+)', r.text)
        else:
            assert r.status_code == 404, (path, kind, r.status_code)
            assert "不属于本单位" in r.text or "不存在" in r.text
            assert UNIT_12345 not in r.text
    # and nothing of unit A changed: its account is enabled, no department workbook was added
    with app.state.sessions() as db:
        from generator.web.db import Account, DepartmentWorkbook

        assert not db.scalar(select(Account).where(Account.name == "clerk-a")).disabled
        assert not db.scalars(select(DepartmentWorkbook).where(DepartmentWorkbook.name == "偷偷汇总的部门")).all()


def test_unit_bs_listing_and_page_show_none_of_unit_a(world):
    app, client, tokens, ids, _ = world
    listed = client.get("/api/submissions", headers=bearer(tokens["b"])).json()
    assert {s["id"] for s in listed} and ids["sid"] not in {s["id"] for s in listed}
    assert all(s["unit"] == UNIT_CENTRE for s in listed)
    b, _ = _session(app, "clerk-b")
    page = b.get(f"/clerk?unit={ids['unit_a']}")  # the unit parameter is the administrator's only
    assert page.status_code == 200 and UNIT_CENTRE in page.text and UNIT_12345 not in page.text


# --------------------------------------------------------------------------- logged out, disabled, old sessions
@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: f"{r[0]} {r[1]}")
def test_logged_out_every_protected_route_refuses(world, route):
    app, _, _, ids, _ = world
    method, path = route
    r = _call(TestClient(app), method, path, ids)
    if ROUTES[route].endswith("api"):
        assert r.status_code == 401 and r.json()["detail"] == "未登录或令牌无效"
    else:
        assert _is_signin_redirect(r), (path, r.status_code)


def test_a_disabled_account_is_out_by_token_and_by_session_and_cannot_sign_in(world):
    app, client, tokens, ids, _ = world
    token = add_account(app, "clerk-leaving", unit=UNIT_12345)
    browser, csrf = _session(app, "clerk-leaving")
    assert client.get(f"/api/submissions/{ids['sid']}", headers=bearer(token)).status_code == 200
    admin, admin_csrf = _session(app, "boss")
    with app.state.sessions() as db:
        from generator.web.db import Account

        leaving = db.scalar(select(Account).where(Account.name == "clerk-leaving")).id
    r = admin.post("/bureau/accounts", data={"csrf_token": admin_csrf, "action": "disable", "account_id": leaving})
    assert r.status_code == 200 and "已停用" in r.text
    for route in PROTECTED:
        method, path = route
        r = _call(TestClient(app), method, path, ids, bearer(token))
        r2 = _call(browser, method, path, ids, csrf=csrf)
        for got in (r, r2):
            assert got.status_code in (401, 303), (path, got.status_code)
            assert got.status_code == 401 or _is_signin_redirect(got)
    page = TestClient(app).get("/login")
    pre = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = TestClient(app, cookies={"jg_pre": pre}).post(
        "/login", data={"name": "clerk-leaving", "password": PASSWORD, "csrf_token": pre}, follow_redirects=False)
    assert r.status_code == 401 and "账户名或密码不正确" in r.text


def test_a_password_change_signs_the_other_sessions_out(world):
    app, client, _, ids, _ = world
    add_account(app, "clerk-moving", unit=UNIT_12345)
    here, csrf = _session(app, "clerk-moving")
    elsewhere, _ = _session(app, "clerk-moving")  # e.g. left signed in on another computer
    assert elsewhere.get("/clerk").status_code == 200
    r = here.post("/account", data={"csrf_token": csrf, "action": "password", "old": PASSWORD,
                                    "new": "new-pass-9876", "again": "new-pass-9876"})
    assert r.status_code == 200 and "密码已保存" in r.text and "其他电脑或浏览器上的登录已全部退出" in r.text
    assert here.get("/clerk", follow_redirects=False).status_code == 200  # this browser stays signed in
    for route in PROTECTED:  # the old session is dead everywhere
        r = _call(elsewhere, *route, ids)
        assert r.status_code == 401 or _is_signin_redirect(r), route
    # the administrator resets it: every session of the account ends, this one too
    admin, admin_csrf = _session(app, "boss")
    with app.state.sessions() as db:
        from generator.web.db import Account

        moving = db.scalar(select(Account).where(Account.name == "clerk-moving")).id
    r = admin.post("/bureau/accounts", data={"csrf_token": admin_csrf, "action": "password",
                                             "account_id": moving, "password": "reset-pass-1234"})
    assert r.status_code == 200 and "原有的登录已全部退出" in r.text
    assert _is_signin_redirect(here.get("/clerk", follow_redirects=False))
    assert admin.get("/bureau", follow_redirects=False).status_code == 200  # the administrator's own stays


def test_a_new_api_token_kills_the_old_one(world):
    app, client, _, ids, _ = world
    old = add_account(app, "clerk-token", unit=UNIT_12345)
    browser, csrf = _session(app, "clerk-token")
    r = browser.post("/account", data={"csrf_token": csrf, "action": "token"})
    new = re.search(r"<code>(jg_[^<]+)</code>", r.text).group(1)
    assert client.get("/api/submissions", headers=bearer(old)).status_code == 401
    assert client.get("/api/submissions", headers=bearer(new)).status_code == 200


# --------------------------------------------------------------------------- CSRF, methods, sessions, cookies
@pytest.mark.parametrize("route", CHANGING, ids=lambda r: f"{r[0]} {r[1]}")
@pytest.mark.parametrize("forged", ["none", "another session's"])
def test_every_state_changing_route_needs_its_csrf_token(world, route, forged):
    app, _, _, ids, _ = world
    method, path = route
    user = "boss" if ROUTES[route].startswith("admin") else "clerk-a"
    client, _ = _session(app, user)
    _, other = _session(app, user)  # a valid token of another browser of the same account
    token = "" if forged == "none" else other
    with app.state.sessions() as db:
        from generator.web.db import AuditEntry

        before = db.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    if path == "/login":
        r = client.post("/login", data={"name": "clerk-a", "password": PASSWORD, "csrf_token": token},
                        follow_redirects=False)
    else:
        r = _call(client, method, path, ids, csrf=token)
    assert r.status_code == 403, (path, r.status_code, r.text[:200])
    assert "防伪令牌" in r.text
    with app.state.sessions() as db:
        after = db.scalars(select(AuditEntry).where(AuditEntry.id > (before or 0))).all()
    assert not [e for e in after if e.action not in ("登录",)], [(e.action, e.detail) for e in after]
    if path == "/logout":
        assert client.get("/clerk" if user == "clerk-a" else "/bureau", follow_redirects=False).status_code == 200


@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
def test_a_method_a_route_does_not_take_is_405_in_chinese(world, route):
    app, client, tokens, ids, _ = world
    method, path = route
    if path in ("/static", "/swagger-ui"):
        return
    taken = {m for (m, p) in ROUTES if p == path}
    for wrong in ({"GET", "POST", "PUT", "DELETE", "PATCH"} - taken):
        url = _url(path, ids)
        for accept in ("text/html", "application/json"):
            r = client.request(wrong, url, headers={**bearer(tokens["admin"]), "accept": accept},
                               follow_redirects=False)
            assert r.status_code == 405, (wrong, path, r.status_code)
            assert "不支持的请求方式" in r.text and "Method Not Allowed" not in r.text


def test_signing_in_never_keeps_a_session_carried_in(world):
    """Session fixation: a session cookie planted before signing in is not the one after."""
    app, _, _, _, _ = world
    planted = TestClient(app)
    sign_in(planted, "clerk-b")  # the attacker's own valid session …
    fixed = planted.cookies["jg_session"]
    victim = TestClient(app, cookies={"jg_session": fixed})  # … planted in the victim's browser
    page = victim.get("/login")
    pre = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = victim.post("/login", data={"name": "clerk-a", "password": PASSWORD, "csrf_token": pre},
                    follow_redirects=False)
    assert r.status_code == 303
    new = r.cookies.get("jg_session")
    assert new and new != fixed
    # the planted session is over: the attacker cannot ride on it
    assert _is_signin_redirect(TestClient(app, cookies={"jg_session": fixed}).get("/clerk", follow_redirects=False))


def test_session_cookie_flags_and_secure_behind_https(world):
    app, _, _, _, _ = world
    for base, secure in (("http://testserver", False), ("https://testserver", True)):
        client = TestClient(app, base_url=base)
        page = client.get("/login")
        pre_cookie = page.headers["set-cookie"]
        pre = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        r = client.post("/login", data={"name": "clerk-a", "password": PASSWORD, "csrf_token": pre},
                        follow_redirects=False)
        cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("jg_session="))
        for header in (cookie, pre_cookie):
            flags = {f.strip().split("=")[0].lower(): f for f in header.split(";")}
            assert "httponly" in flags and flags["samesite"].strip().lower() == "samesite=lax"
            assert ("secure" in flags) is secure, header


def test_signing_out_kills_the_session_on_the_server_and_says_so(world):
    app, _, _, _, _ = world
    client, csrf = _session(app, "clerk-a")
    cookie = client.cookies["jg_session"]
    r = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?out=1"
    assert "已退出登录" in client.get("/login?out=1").text
    replay = TestClient(app, cookies={"jg_session": cookie})  # the cookie kept (or copied) elsewhere
    assert _is_signin_redirect(replay.get("/clerk", follow_redirects=False))
    page = TestClient(app).get("/login?next=/clerk")
    assert "请先登录（或登录已过期）" in page.text
    assert "请先登录" not in TestClient(app).get("/login").text


def test_nothing_with_a_units_data_is_cached_and_no_other_site_may_read_it(world):
    app, client, tokens, ids, _ = world
    signed, _ = _session(app, "clerk-a")
    for r in (signed.get("/clerk"), signed.get(f"/submissions/{ids['sid']}"),
              client.get(f"/api/submissions/{ids['sid']}", headers={**bearer(tokens["a"]),
                                                                    "origin": "http://evil.example"}),
              client.get(f"/api/submissions/{ids['sid']}/files/pdf", headers=bearer(tokens["a"])),
              signed.get("/template.xlsx"), client.get("/login")):
        assert r.status_code == 200
        assert r.headers["cache-control"] == "no-store", r.url
        assert "access-control-allow-origin" not in r.headers
    assert "no-store" not in client.get("/static/app.css").headers.get("cache-control", "")


@pytest.mark.parametrize("proxy", [True, False])
def test_behind_a_trusted_https_proxy_the_cookies_are_secure_and_only_then(tmp_path, proxy):
    """``serve --proxy 127.0.0.1``: X-Forwarded-Proto from the proxy makes the cookies Secure; without
    --proxy the same header (anyone can send it) changes nothing."""
    import subprocess
    import sys
    import time

    import httpx

    from tests.web_support import free_port

    port = free_port()
    args = [sys.executable, "-m", "generator", "serve", "--data", str(tmp_path), "--port", str(port)]
    proc = subprocess.Popen(args + (["--proxy", "127.0.0.1"] if proxy else []), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/login", headers={"x-forwarded-proto": "https"}, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("jg_pre=") and "HttpOnly" in cookie
        assert ("Secure" in cookie) is proxy, cookie
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "/\\/evil.example",
                                    "https://evil.example", "/%0d%0aSet-Cookie:x=1", "/ok\r\nX: y"])
def test_sign_in_never_redirects_to_another_server(world, target):
    app, _, _, _, _ = world
    client = TestClient(app)
    page = client.get("/login", params={"next": target})
    pre = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post("/login", data={"name": "clerk-a", "password": PASSWORD, "csrf_token": pre, "next": target},
                    follow_redirects=False)
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\", "/%5C", "/%5c")), location
    assert "\r" not in location and "\n" not in location and "x=1" not in r.headers.get("set-cookie", "")


# --------------------------------------------------------------------------- uploads
@pytest.mark.parametrize("given,shown", [
    ("../../escape.xlsx", "escape.xlsx"),
    ("..\\..\\escape.xlsx", "escape.xlsx"),
    ("/etc/passwd.xlsx", "passwd.xlsx"),
    ("C:\\Windows\\System32\\escape.xlsx", "escape.xlsx"),
    ("a|b?c*<d>.xlsx", "abcd.xlsx"),
])
def test_an_upload_name_is_only_a_name(world, given, shown):
    app, client, tokens, _, data_dir = world
    r = client.post("/api/submissions", headers=bearer(tokens["a"]), data={"generate": "false"},
                    files={"file": (given, SAMPLE_12345.read_bytes())})
    assert r.status_code == 202, r.text
    got = client.get(f"/api/submissions/{r.json()['id']}", headers=bearer(tokens["a"])).json()
    assert got["filename"] == shown
    for folder in (data_dir, data_dir.parent, data_dir / "files"):
        assert not (folder / "escape.xlsx").exists()
    stored = {p.name for p in (data_dir / "files").iterdir()}
    assert all(re.fullmatch(r"[0-9a-f]{32}(\.[a-z]+)?", n) or n.startswith(".") for n in stored), stored


def test_a_very_long_chinese_name_is_shortened_keeping_its_suffix_and_downloads_by_rfc_5987(world):
    app, client, tokens, _, _ = world
    long_name = "乌鲁木齐市“十二三四五”政务服务热线中心 2024 年度决算（第三稿，最终版）" * 12 + ".xlsx"
    r = client.post("/api/submissions", headers=bearer(tokens["a"]), data={"generate": "false"},
                    files={"file": (long_name, SAMPLE_12345.read_bytes())})
    assert r.status_code == 202, r.text
    got = client.get(f"/api/submissions/{r.json()['id']}", headers=bearer(tokens["a"])).json()
    assert len(got["filename"]) <= 120 and got["filename"].endswith("….xlsx")
    assert got["filename"].startswith("乌鲁木齐市“十二三四五”")
    for kind in ("source", "report"):
        d = client.get(f"/api/submissions/{got['id']}/files/{kind}", headers=bearer(tokens["a"]))
        assert d.status_code == 200
        disposition = d.headers["content-disposition"]
        assert disposition.startswith("attachment; filename*=utf-8''"), disposition
        assert disposition.isascii() and '"' not in disposition
        name = unquote(disposition.split("''", 1)[1])
        assert name.endswith(".xlsx") and len(name) <= 255
        if kind == "source":
            assert name == got["filename"]


def _bomb(unpacked_mb: int) -> bytes:
    """A real workbook whose first sheet is followed by a part of ``unpacked_mb`` MB of zeros
    (deflated to about a thousandth)."""
    out = io.BytesIO()
    with zipfile.ZipFile(SAMPLE_12345) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info.filename, src.read(info))
        with zf.open("xl/media/padding.bin", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                part.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_read(world):
    app, client, tokens, _, _ = world
    limit_mb = app.state.settings.max_unpacked_bytes // (1024 * 1024)
    bomb = _bomb(limit_mb + 64)
    assert len(bomb) < app.state.settings.max_upload_bytes / 10  # small on the wire
    from generator.web.db import Submission

    with app.state.sessions() as db:
        before = len(db.scalars(select(Submission)).all())
    for url in ("/api/check", "/api/submissions"):
        r = client.post(url, headers=bearer(tokens["a"]), files={"file": ("决算.xlsx", bomb)},
                        data={"generate": "false"})
        assert r.status_code == 413, (url, r.text)
        assert "解压后" in r.json()["detail"] and f"{limit_mb} MB" in r.json()["detail"]
        assert "“决算.xlsx”" in r.json()["detail"]
    # inside a batch's .zip too, named
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(SAMPLE_CENTRE.name, SAMPLE_CENTRE.read_bytes())
        zf.writestr("炸弹单位.xlsx", bomb)
    r = client.post("/api/batches", headers=bearer(tokens["admin"]), files=[("files", ("全部.zip", packed.getvalue()))])
    assert r.status_code == 413 and "压缩包中的“炸弹单位.xlsx”解压后" in r.json()["detail"], r.text
    with app.state.sessions() as db:
        assert len(db.scalars(select(Submission)).all()) == before  # nothing kept


def test_the_unpacked_size_rule_itself():
    from generator.web.uploads import MAX_PARTS, UploadProblem, unpacked_ok

    unpacked_ok("“样本”", SAMPLE_12345.read_bytes(), 3 * 1024 * 1024)  # 2.6 MB unpacked: fine
    with pytest.raises(UploadProblem) as caught:
        unpacked_ok("“样本”", SAMPLE_12345.read_bytes(), 2 * 1024 * 1024)
    assert caught.value.status == 413 and "“样本”解压后有 3 MB，超过上限 2 MB" in str(caught.value)
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(MAX_PARTS + 1):
            zf.writestr(f"p{i}", b"")
    with pytest.raises(UploadProblem, match="部件"):
        unpacked_ok("“样本”", many.getvalue())
    unpacked_ok("“样本”", b"PK not a zip")  # left to the reader (reported as unreadable)


@pytest.mark.parametrize("name,content,status,said", [
    ("决算.xlsx", b"", 400, "是空的"),
    ("决算.xlsx", b"%PDF-1.7 a pdf renamed", 400, "不是有效的 .xlsx"),
    ("决算.xls", b"PK\x03\x04 an xlsx renamed .xls", 400, "不是有效的 .xls"),
    ("决算.exe", b"MZ\x90\x00", 415, "不支持的文件类型“.exe”"),
    ("决算", b"PK\x03\x04", 415, "不支持的文件类型"),
    ("决算.zip", b"PK\x05\x06" + b"\0" * 18, 415, "只接受"),
])
def test_a_wrong_or_empty_upload_is_refused_in_chinese(world, name, content, status, said):
    app, client, tokens, _, _ = world
    r = client.post("/api/submissions", headers=bearer(tokens["a"]), data={"generate": "false"},
                    files={"file": (name, content, "application/octet-stream")})
    assert r.status_code == status and said in r.json()["detail"], r.text


def test_no_file_at_all_names_the_missing_field_in_chinese(world):
    app, client, tokens, _, _ = world
    r = client.post("/api/submissions", headers=bearer(tokens["a"]), data={"generate": "false"})
    assert r.status_code == 422 and r.json()["detail"] == "请求不完整或格式不对：文件"
    r = client.get("/api/submissions/abc", headers=bearer(tokens["a"]))
    assert r.status_code == 422 and r.json()["detail"] == "请求不完整或格式不对：提交编号"


def test_a_document_that_is_a_zip_but_no_workbook_is_stored_as_unreadable(world):
    app, client, tokens, _, _ = world
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    r = client.post("/api/submissions", headers=bearer(tokens["a"]), data={"generate": "false"},
                    files={"file": ("其实是Word.xlsx", docx.getvalue(),
                                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document")})
    assert r.status_code == 202 and r.json()["status"] == "unreadable"
    got = client.get(f"/api/submissions/{r.json()['id']}", headers=bearer(tokens["a"])).json()
    assert got["message"] and any("\u4e00" <= ch <= "\u9fff" for ch in got["message"])
    assert "Traceback" not in got["message"] and str(app.state.settings.data_dir) not in got["message"]


def test_json_uploads_own_unit_broken_and_other_unit(world, tmp_path):
    app, client, tokens, _, _ = world
    r = client.post("/api/submissions", headers=bearer(tokens["a"]), data={"generate": "false"},
                    files={"file": ("本单位.json", DATA_12345.read_bytes(), "application/json")})
    assert r.status_code == 202 and r.json()["status"] == "checked", r.text
    r = client.post("/api/submissions", headers=bearer(tokens["a"]), data={"generate": "false"},
                    files={"file": ("坏的.json", b'{"unit": {"name": ', "application/json")})
    assert r.status_code == 202 and r.json()["status"] == "unreadable"
    message = client.get(f"/api/submissions/{r.json()['id']}", headers=bearer(tokens["a"])).json()["message"]
    assert "JSON" in message or "无法读取" in message
    other = (SAMPLE_12345.parent / "data" / f"{UNIT_CENTRE}.json").read_bytes()
    r = client.post("/api/submissions", headers=bearer(tokens["a"]), data={"generate": "false"},
                    files={"file": ("别的单位.json", other, "application/json")})
    assert r.status_code == 403 and "不是本单位" in r.json()["detail"]


def test_two_uploads_at_once_by_the_same_clerk_both_land(world):
    app, _, tokens, _, _ = world
    results: list = []

    def send():  # two clients of the one running app (its lifespan started once, by the fixture)
        results.append(upload(TestClient(app), SAMPLE_12345, tokens["a"], generate="false"))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [202, 202], [r.text for r in results]
    made = {r.json()["id"] for r in results}
    assert len(made) == 2
    listed = {s["id"] for s in TestClient(app).get("/api/submissions", headers=bearer(tokens["a"])).json()}
    assert made <= listed


# --------------------------------------------------------------------------- output: escaped everywhere
RAW = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", '<b onmouseover="alert(3)">')


def _no_raw_markup(text: str) -> None:
    for raw in RAW:
        assert raw not in text


def test_hostile_names_are_escaped_in_every_page(world):
    app, _, _, ids, _ = world
    admin, _ = _session(app, "boss")
    pages = ["/bureau?year=2024", f"/submissions/{ids['sid_evil']}", f"/clerk?unit={ids['unit_evil']}",
             "/bureau/audit", "/bureau/audit?q=%3Cscript%3Ealert(1)%3C/script%3E", "/bureau/department?year=2024",
             f"/bureau/department?year=2024&made={ids['did']}", "/bureau/accounts"]
    for url in pages:
        r = admin.get(url)
        assert r.status_code == 200, url
        _no_raw_markup(r.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in admin.get(f"/submissions/{ids['sid_evil']}").text
    assert "{{ 7*7 }}" in admin.get("/bureau?year=2024").text  # shown as typed, never evaluated
    dept = admin.get(f"/bureau/department?year=2024&made={ids['did']}").text
    assert "&lt;b onmouseover=" in dept and "{{ 6*6 }}" in dept
    # the account page with a hostile unit name given by the administrator
    r = admin.post("/bureau/accounts", data={"csrf_token": sign_in(admin, "boss"), "action": "create",
                                             "name": "clerk-evil", "unit": EVIL_UNIT, "password": PASSWORD})
    assert r.status_code == 200
    _no_raw_markup(r.text)
    evil_clerk, _ = _session(app, "clerk-evil")
    for url in ("/clerk", "/account"):
        page = evil_clerk.get(url)
        assert page.status_code == 200 and "&lt;script&gt;" in page.text
        _no_raw_markup(page.text)


def test_hostile_text_is_text_in_the_generated_documents(world):
    app, client, tokens, ids, _ = world
    got = client.get(f"/api/submissions/{ids['sid_evil']}", headers=bearer(tokens["admin"])).json()
    html = client.get(got["files"]["html"], headers=bearer(tokens["admin"])).text
    _no_raw_markup(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "{{ 7*7 }}" in html
    assert "{{ config }}{% for x in range(3) %}重复{% endfor %}" in html.replace("&#39;", "'")
    preview = TestClient(app)
    sign_in(preview, "boss")
    framed = preview.get(f"/submissions/{ids['sid_evil']}/preview")
    assert "sandbox" in framed.headers["content-security-policy"]
    from docx import Document

    docx = client.get(got["files"]["docx"], headers=bearer(tokens["admin"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert EVIL_UNIT in text and EVIL_TEXT in text
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(got["files"]["xlsx"], headers=bearer(tokens["admin"])).content))
    cells = [c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)
             and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    # every download's name: RFC 5987, no quote, no path, the unit's name made safe
    for kind, url in got["files"].items():
        d = client.get(url, headers=bearer(tokens["admin"]))
        disposition = d.headers["content-disposition"]
        assert disposition.isascii() and disposition.startswith("attachment; filename*=utf-8''"), disposition
        name = unquote(disposition.split("''", 1)[1])
        assert not set(name) & set('<>:"/\\|?*'), name


def test_hostile_names_stay_text_in_the_bureaus_zip_and_the_department_workbook(world):
    app, client, tokens, ids, _ = world
    admin, _ = _session(app, "boss")
    z = admin.get("/bureau/download.zip?year=2024")
    assert z.status_code == 200
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(z.content)) as zf:
        for name in zf.namelist():
            assert not name.startswith(("/", "..")) and "\\" not in name and not set(name) & set('<>:"|?*'), name
        summary = load_workbook(io.BytesIO(zf.read("汇总.xlsx")))
    cells = [c for row in summary.active.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    d = client.get(f"/api/department-workbooks/{ids['did']}/file", headers=bearer(tokens["admin"]))
    disposition = d.headers["content-disposition"]
    name = unquote(disposition.split("''", 1)[1])
    assert disposition.isascii() and not set(name) & set('<>:"/\\|?*'), name
    book = load_workbook(io.BytesIO(d.content))
    found = [c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)
             and "=1+2" in c.value]
    assert found and all(c.data_type == "s" for c in found)


# --------------------------------------------------------------------------- errors: Chinese, no leak
def _assert_clean_error(r, data_dir: Path) -> None:
    text = r.text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (r.status_code, text[:200])
    for leak in ("Traceback", 'File "', str(data_dir), "/work/", "site-packages", "sqlalchemy", "Error:"):
        assert leak not in text, (r.status_code, leak)


def test_every_error_is_chinese_without_a_traceback_or_a_path(world, monkeypatch):
    app, client, tokens, ids, data_dir = world
    quiet = TestClient(app, raise_server_exceptions=False)
    b = TestClient(app, raise_server_exceptions=False)
    sign_in(b, "clerk-b")
    cases = [
        (quiet.get, "/no/such/page", {}, 404),
        (quiet.get, "/api/no-such-endpoint", {}, 404),
        (quiet.get, f"/api/submissions/{ids['sid']}", bearer(tokens["b"]), 404),
        (quiet.get, "/api/submissions/abc", bearer(tokens["a"]), 422),
        (quiet.get, "/api/units", bearer(tokens["a"]), 403),
        (quiet.get, "/api/units", {}, 401),
        (quiet.get, "/logout", {}, 405),
        (quiet.delete, f"/api/submissions/{ids['sid']}", bearer(tokens["a"]), 405),
        (quiet.get, "/signin/once?token=forged", {}, 404),
        (b.get, f"/submissions/{ids['sid']}", {}, 404),
        (b.get, "/bureau/audit", {}, 403),
        (b.get, "/submissions/abc", {}, 422),
    ]
    for get, url, headers, code in cases:
        for accept in ("text/html", "application/json"):
            r = get(url, headers={**headers, "accept": accept})
            assert r.status_code == code, (url, r.status_code)
            _assert_clean_error(r, data_dir)
            if accept == "text/html" and not url.startswith("/api/"):
                assert r.headers["content-type"].startswith("text/html") and "操作未能完成" in r.text
    r = quiet.post("/api/check", content=b"x", headers={**bearer(tokens["a"]), "content-length": str(10**9),
                                                        "content-type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413
    _assert_clean_error(r, data_dir)

    def boom(*a, **k):
        raise RuntimeError(f"internal state at {data_dir}/files")

    monkeypatch.setattr(app.state.store, "path", boom)
    for accept in ("text/html", "application/json"):
        r = b.get(f"/api/submissions/{ids['sid_b']}/files/source", headers={"accept": accept})
        assert r.status_code == 500
        _assert_clean_error(r, data_dir)


BIG = "99999999999999999999"  # more than any database integer


@pytest.mark.parametrize("url", [
    f"/api/submissions/{BIG}", f"/api/submissions?year={BIG}", f"/api/batches/{BIG}", f"/api/units?year={BIG}",
    f"/api/department-workbooks/{BIG}", f"/api/department-workbooks/{BIG}/file",
    f"/api/submissions/{BIG}/files/pdf",
    f"/submissions/{BIG}", f"/submissions/{BIG}/preview", f"/template-next.xlsx?sid={BIG}", f"/clerk?unit={BIG}",
    f"/bureau?year={BIG}", f"/bureau/audit?page={BIG}", f"/bureau/download.zip?year={BIG}",
    f"/bureau/department?year={BIG}", f"/bureau/department?made={BIG}",
])
def test_an_id_or_year_too_large_for_the_database_is_422_not_500(world, url):
    app, _, tokens, _, data_dir = world
    client = TestClient(app, raise_server_exceptions=False)
    headers = bearer(tokens["admin"]) if url.startswith("/api/") else {"accept": "text/html"}
    if not url.startswith("/api/"):
        sign_in(client, "boss")
    r = client.get(url, headers=headers)
    assert r.status_code == 422, (url, r.status_code)
    assert "超出允许的范围" in r.text
    _assert_clean_error(r, data_dir)


def test_the_blank_workbook_of_a_year_without_data_says_which_years_there_are(world):
    app, _, _, _, _ = world
    clerk, _ = _session(app, "clerk-a")
    r = TestClient(app, raise_server_exceptions=False, cookies=clerk.cookies).get("/template.xlsx?year=1990")
    assert r.status_code == 404 and "没有 1990 年度及以前的分类科目数据（现有：" in r.json()["detail"]


def test_a_stopped_database_is_503_in_chinese_and_nothing_leaks(tmp_path):
    from tests.web_support import PostgresCluster, pg_bin

    if pg_bin() is None:
        pytest.skip("PostgreSQL is not installed (scripts/setup.sh installs it)")
    from generator.web.app import create_app

    cluster = PostgresCluster()
    stopped = False
    try:
        app = create_app(make_settings(tmp_path, database_url=cluster.create_database("down")))
        token = add_account(app, "clerk", unit=UNIT_12345)
        client = TestClient(app, raise_server_exceptions=False)
        sign_in(client, "clerk")
        assert client.get("/clerk").status_code == 200
        r = client.get("/api/submissions/2147483648", headers=bearer(token))  # past PostgreSQL's integer
        assert r.status_code == 422 and "超出允许的范围" in r.json()["detail"]
        cluster.stop()
        stopped = True
        app.state.engine.dispose()  # the pooled connections died with the server
        r = client.get("/clerk", headers={"accept": "text/html"})
        assert r.status_code == 503 and "数据库暂时无法访问" in r.text and r.headers["retry-after"] == "30"
        _assert_clean_error(r, tmp_path)
        r = client.get("/api/submissions", headers=bearer(token))
        assert r.status_code == 503 and r.json()["detail"].startswith("数据库暂时无法访问")
        _assert_clean_error(r, tmp_path)
        page = TestClient(app, raise_server_exceptions=False).get("/login")
        assert page.status_code == 200  # the sign-in form itself needs no database
        pre = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        r = TestClient(app, raise_server_exceptions=False, cookies={"jg_pre": pre}).post(
            "/login", data={"name": "clerk", "password": PASSWORD, "csrf_token": pre}, follow_redirects=False)
        assert r.status_code == 503 and "数据库暂时无法访问" in r.text
        assert client.get("/api/health").status_code == 200
    finally:
        if not stopped:
            cluster.stop()
