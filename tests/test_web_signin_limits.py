"""Sign-in limits under a storm of wrong passwords: once an account or an address has reached its
limit, further attempts are refused (429, Chinese message, Retry-After) without a database query;
the limits stay per account and per address, survive a restart (they are counted in the database)
and each refusal that starts is written to the audit log once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402

from generator.web.signin_limits import LimitedPage, SignInBlocks, limited_message  # noqa: E402
from tests.web_support import PASSWORD, UNIT_12345, UNIT_CENTRE, add_account, make_settings  # noqa: E402

PER_ACCOUNT, PER_ADDRESS, WINDOW = 3, 5, 600


def _app(data_dir):
    from generator.web.app import create_app

    return create_app(make_settings(data_dir, login_limit_account=PER_ACCOUNT, login_limit_address=PER_ADDRESS,
                                    login_window_seconds=WINDOW))


@pytest.fixture
def app(tmp_path):
    app = _app(tmp_path)
    add_account(app, "clerk", unit=UNIT_12345)
    add_account(app, "other", unit=UNIT_CENTRE)
    return app


class Browser:
    """One visitor from one address, with the sign-in form's token."""

    def __init__(self, app, host: str):
        self.client = TestClient(app, client=(host, 50000))
        self.pre = re.search(r'name="csrf_token" value="([^"]+)"', self.client.get("/login").text).group(1)

    def sign_in(self, name: str, password: str):
        return self.client.post("/login", data={"name": name, "password": password, "csrf_token": self.pre},
                                follow_redirects=False)


class Statements:
    """Counts the SQL statements the app sends to its database."""

    def __init__(self, app):
        self.engine, self.count = app.state.engine, 0

    def _seen(self, *args):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)


def _attempts(app) -> int:
    from generator.web.db import LoginAttempt

    with app.state.sessions() as db:
        return db.scalar(select(func.count()).select_from(LoginAttempt)) or 0


def _audit(app, action: str) -> list[str]:
    from generator.web.db import AuditEntry

    with app.state.sessions() as db:
        return [a.detail for a in db.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                              .order_by(AuditEntry.id))]


def _is_refusal(r) -> None:
    assert r.status_code == 429, r.text
    assert "登录尝试过于频繁，请" in r.text and "分钟后再试" in r.text
    assert 0 < int(r.headers["retry-after"]) <= WINDOW
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["x-frame-options"] == "SAMEORIGIN" and "default-src 'self'" in r.headers["content-security-policy"]


def test_a_limited_account_is_refused_without_touching_the_database(app):
    browser = Browser(app, "10.0.0.1")
    assert [browser.sign_in("clerk", "wrong-1").status_code for _ in range(PER_ACCOUNT)] == [401] * PER_ACCOUNT
    before = _attempts(app)
    with Statements(app) as sql:
        for password in ("wrong-2", "wrong-3", PASSWORD):  # even the right password waits
            _is_refusal(browser.sign_in("clerk", password))
    assert sql.count == 0
    assert _attempts(app) == before
    # the refused page is still a usable sign-in form: the same anti-forgery token, nothing else echoed
    page = browser.sign_in("clerk", "wrong-4").text
    assert f'name="csrf_token" value="{browser.pre}"' in page and 'name="name" value=""' in page


def test_the_limits_are_per_account_and_per_address(app):
    first = Browser(app, "10.0.0.1")
    for _ in range(PER_ACCOUNT):
        first.sign_in("clerk", "wrong")
    _is_refusal(first.sign_in("clerk", "wrong"))
    # per account: from another address, "clerk" is refused too; "other" is not
    second = Browser(app, "10.0.0.2")
    _is_refusal(second.sign_in("clerk", PASSWORD))
    assert second.sign_in("other", "wrong").status_code == 401
    assert second.sign_in("other", PASSWORD).status_code == 303
    # per address: the first address reaches its limit with other names and is refused for any name
    codes = [first.sign_in(f"nobody{i}", "x").status_code for i in range(PER_ADDRESS - PER_ACCOUNT)]
    assert codes == [401] * (PER_ADDRESS - PER_ACCOUNT)
    with Statements(app) as sql:
        _is_refusal(first.sign_in("other", PASSWORD))
    assert sql.count == 0
    # a third address can still sign in as "other"
    assert Browser(app, "10.0.0.3").sign_in("other", PASSWORD).status_code == 303


def test_the_start_of_each_refusal_is_audited_once(app):
    browser = Browser(app, "10.0.0.1")
    for _ in range(PER_ACCOUNT + 4):
        browser.sign_in("clerk", "wrong")
    paused = _audit(app, "暂停登录")
    assert paused == [f"账户名“clerk”在 {WINDOW // 60} 分钟内登录失败已达 {PER_ACCOUNT} 次，"
                      f"{WINDOW // 60} 分钟内不再受理其登录"]
    assert len(_audit(app, "登录失败")) == PER_ACCOUNT
    # the address reaches its limit after PER_ADDRESS - PER_ACCOUNT more failures; the rest are refused
    for i in range(PER_ADDRESS):
        browser.sign_in(f"nobody{i}", "x")
    assert len(_audit(app, "暂停登录")) == 2 and "地址 10.0.0.1" in _audit(app, "暂停登录")[1]
    metrics = TestClient(app, client=("127.0.0.1", 50000)).get("/metrics").text  # a scraper on this machine
    refused = 4 + PER_ADDRESS - (PER_ADDRESS - PER_ACCOUNT)
    assert re.search(r'juesuan_signins_total\{outcome="limited"\} (\d+)', metrics).group(1) == str(refused)


def test_the_limits_hold_after_a_restart(tmp_path):
    app = _app(tmp_path)
    add_account(app, "clerk", unit=UNIT_12345)
    browser = Browser(app, "10.0.0.1")
    for _ in range(PER_ACCOUNT):
        assert browser.sign_in("clerk", "wrong").status_code == 401
    app.state.engine.dispose()

    again = _app(tmp_path)  # a new server process on the same data: nothing in memory
    browser = Browser(again, "10.0.0.9")
    _is_refusal(browser.sign_in("clerk", PASSWORD))  # refused by the database
    with Statements(again) as sql:
        _is_refusal(browser.sign_in("clerk", PASSWORD))  # and remembered from then on
    assert sql.count == 0


def test_the_wait_ends_when_the_oldest_counted_failure_leaves_the_window(app):
    from generator.web import security
    from generator.web.db import LoginAttempt, now

    with app.state.sessions.begin() as db:
        for minutes in (8, 5, 2):  # three failures 8, 5 and 2 minutes ago; window 10 minutes
            db.add(LoginAttempt(account_name="clerk", address="10.0.0.1", success=False,
                                at=now() - timedelta(minutes=minutes)))
    with app.state.sessions() as db:
        waits = security.rate_waits(db, "clerk", "10.0.0.7", PER_ACCOUNT, PER_ADDRESS, WINDOW)
        assert list(waits) == ["account"] and 115 <= waits["account"] <= 121  # the one of 8 minutes ago
        assert security.rate_waits(db, "other", "10.0.0.7", PER_ACCOUNT, PER_ADDRESS, WINDOW) == {}
        with pytest.raises(security.RateLimited) as refused:
            security.check_rate(db, "clerk", "10.0.0.7", PER_ACCOUNT, PER_ADDRESS, WINDOW)
        assert refused.value.seconds == waits["account"]
    r = Browser(app, "10.0.0.7").sign_in("clerk", PASSWORD)
    _is_refusal(r)
    assert "请 2 分钟后再试" in r.text and 115 <= int(r.headers["retry-after"]) <= 121


def test_blocks_expire_and_their_memory_is_bounded():
    clock = [1000.0]
    blocks = SignInBlocks(capacity=3, clock=lambda: clock[0])
    blocks.block("account", "a", 60)
    blocks.block("address", "10.0.0.1", 30)
    assert blocks.wait("a", "10.0.0.9") == 60
    assert blocks.wait("b", "10.0.0.1") == 30
    assert blocks.wait("a", "10.0.0.1") == 60
    assert blocks.wait("b", "10.0.0.9") == 0
    clock[0] += 30.5
    assert blocks.wait("b", "10.0.0.1") == 0 and len(blocks) == 1  # the expired one is dropped
    blocks.block("account", "b", 10)
    blocks.block("account", "c", 10)
    blocks.block("account", "d", 10)  # full: not remembered (the database still refuses it)
    assert blocks.wait("d", "") == 0 and len(blocks) == 3
    clock[0] += 11
    blocks.block("account", "d", 10)  # the expired ones make room
    assert blocks.wait("d", "") == 10 and blocks.wait("a", "") == 19


def test_the_refusal_page_is_rendered_once_per_message_and_escapes_the_token():
    rendered: list[str] = []

    def render(message: str, pre: str) -> str:
        rendered.append(message)
        return f'<p>{message}</p><input value="{pre}">'

    page = LimitedPage(render)
    assert page.page(61, "abc") == '<p>登录尝试过于频繁，请 2 分钟后再试</p><input value="abc">'
    assert page.page(90, '"><script>') == '<p>登录尝试过于频繁，请 2 分钟后再试</p><input value="&quot;&gt;&lt;script&gt;">'
    assert page.page(5, "x").startswith(f"<p>{limited_message(5)}</p>") and "请 1 分钟后再试" in limited_message(5)
    assert rendered == ["登录尝试过于频繁，请 2 分钟后再试", "登录尝试过于频繁，请 1 分钟后再试"]
