"""Who may read /metrics: this machine, an administrator, or anyone when the operator opened it.

A scraper beside the server reads it without an account; from another address it takes an
administrator's API token (or session); a clerk's token is refused.  Behind ``serve --proxy`` the
proxy connects from 127.0.0.1 for everyone: only a request the proxy says came from a loopback
address counts as this machine, so nobody outside reads the figures through the proxy.
"""

from __future__ import annotations


import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from generator.web.clients import from_this_machine, is_loopback_address, trusted  # noqa: E402
from tests.web_support import STAFF, UNIT_12345, add_accounts, bearer, make_settings, serving, sign_in  # noqa: E402

FIGURES = "juesuan_jobs"  # a family every answer with the figures has
OUTSIDE = "203.0.113.9"


def _app(tmp_path, **settings):
    from generator.web.app import create_app

    app = create_app(make_settings(tmp_path, **settings))
    tokens = add_accounts(app, {"admin": STAFF["admin"], "clerk": ("clerk", UNIT_12345)})
    return app, tokens


def _get(app, host: str, headers: dict | None = None):
    return TestClient(app, client=(host, 50000)).get("/metrics", headers=headers or {})


def _shown(r) -> bool:
    return r.status_code == 200 and FIGURES in r.text


def _refused(r, status: int) -> bool:
    return r.status_code == status and FIGURES not in r.text and "detail" in r.json()


# --------------------------------------------------------------------------- the rule itself
def _scope(client: str, headers: dict | None = None, peer: str | None = None) -> dict:
    scope = {"type": "http", "client": (client, 50000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    if peer is not None:
        scope["juesuan.peer"] = peer
    return scope


@pytest.mark.parametrize("address, loopback", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("::ffff:127.0.0.1", True), ("[::1]:8080", True),
    ("127.0.0.1:5000", True), ("10.0.0.1", False), ("203.0.113.9", False), ("::ffff:10.0.0.1", False),
    ("localhost", False), ("testclient", False), ("", False), ("unknown", False),
])
def test_loopback_is_an_address_not_a_name(address, loopback):
    assert is_loopback_address(address) is loopback


@pytest.mark.parametrize("address, proxies, expected", [
    ("127.0.0.1", ["127.0.0.1"], True), ("10.1.2.3", ["10.0.0.0/8"], True), ("10.1.2.3", ["10.0.0.5"], False),
    ("::1", ["::1"], True), ("192.0.2.7", ["*"], True), ("192.0.2.7", [], False),
    ("127.0.0.1", ["not an address"], False), ("proxy.internal", ["proxy.internal"], True),
])
def test_which_addresses_are_trusted_proxies(address, proxies, expected):
    assert trusted(address, proxies) is expected


@pytest.mark.parametrize("scope, proxies, expected", [
    # no proxy declared: the connecting address decides; a proxy's header means it was forwarded
    (_scope("127.0.0.1"), [], True),
    (_scope("::1"), [], True),
    (_scope("10.0.0.7"), [], False),
    (_scope("127.0.0.1", {"X-Forwarded-For": OUTSIDE}), [], False),
    (_scope("127.0.0.1", {"X-Forwarded-For": "127.0.0.1"}), [], False),
    (_scope("127.0.0.1", {"X-Real-IP": OUTSIDE}), [], False),
    (_scope("127.0.0.1", {"Forwarded": f"for={OUTSIDE}"}), [], False),
    (_scope("127.0.0.1", {"X-Forwarded-Proto": "https"}), [], False),
    (_scope("10.0.0.7", {"X-Forwarded-For": "127.0.0.1"}), [], False),
    # behind --proxy 127.0.0.1: the proxy's X-Forwarded-For decides (client already replaced by it)
    (_scope(OUTSIDE, {"X-Forwarded-For": OUTSIDE}, peer="127.0.0.1"), ["127.0.0.1"], False),
    (_scope(OUTSIDE, {"X-Forwarded-For": f"127.0.0.1, {OUTSIDE}"}, peer="127.0.0.1"), ["127.0.0.1"], False),
    (_scope("127.0.0.1", {"X-Forwarded-For": "127.0.0.1"}, peer="127.0.0.1"), ["127.0.0.1"], True),
    (_scope("127.0.0.1", {}, peer="127.0.0.1"), ["127.0.0.1"], False),  # whom does it forward for?
    (_scope("127.0.0.1", {"X-Forwarded-Proto": "https"}, peer="127.0.0.1"), ["127.0.0.1"], False),
    (_scope("127.0.0.1", {"X-Forwarded-For": ""}, peer="127.0.0.1"), ["127.0.0.1"], False),
    # a proxy on another machine: its own loopback is not this machine
    (_scope("127.0.0.1", {"X-Forwarded-For": "127.0.0.1"}, peer="10.0.0.5"), ["10.0.0.5"], False),
    # a loopback address that is not the declared proxy connects straight
    (_scope("127.0.0.1", {}, peer="127.0.0.1"), ["10.0.0.5"], True),
])
def test_from_this_machine(scope, proxies, expected):
    assert from_this_machine(scope, proxies) is expected


# --------------------------------------------------------------------------- the route
@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_this_machine_reads_the_figures_without_an_account(tmp_path, host):
    app, _ = _app(tmp_path)
    r = _get(app, host)
    assert _shown(r), r.text
    assert r.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize("host", ["10.0.0.7", OUTSIDE, "testclient"])
def test_another_address_without_a_token_is_401_in_chinese(tmp_path, host):
    app, _ = _app(tmp_path)
    r = _get(app, host)
    assert _refused(r, 401) and r.json()["detail"] == "未登录或令牌无效"
    assert r.headers["www-authenticate"] == "Bearer"
    assert _refused(_get(app, host, bearer("jg_not-a-token")), 401)


def test_an_administrators_token_or_session_reads_them_from_anywhere(tmp_path):
    app, tokens = _app(tmp_path)
    assert _shown(_get(app, OUTSIDE, bearer(tokens["admin"])))
    browser = TestClient(app, client=(OUTSIDE, 50000))
    sign_in(browser, "boss")
    assert _shown(browser.get("/metrics"))


def test_a_clerks_token_or_session_is_403(tmp_path):
    app, tokens = _app(tmp_path)
    r = _get(app, OUTSIDE, bearer(tokens["clerk"]))
    assert _refused(r, 403) and "管理员" in r.json()["detail"]
    browser = TestClient(app, client=(OUTSIDE, 50000))
    sign_in(browser, "clerk")
    assert _refused(browser.get("/metrics"), 403)


def test_a_disabled_administrators_token_is_refused(tmp_path):
    app, tokens = _app(tmp_path)
    from generator.web.db import Account

    with app.state.sessions.begin() as db:
        db.scalar(select(Account).where(Account.name == "boss")).disabled = True
    assert _refused(_get(app, OUTSIDE, bearer(tokens["admin"])), 401)


def test_a_loopback_connection_forwarding_for_someone_is_not_this_machine(tmp_path):
    """A proxy on this machine the operator did not declare with --proxy: its requests connect from
    127.0.0.1, but its headers say they were forwarded."""
    app, tokens = _app(tmp_path)
    assert _refused(_get(app, "127.0.0.1", {"X-Forwarded-For": OUTSIDE}), 401)
    assert _refused(_get(app, "127.0.0.1", {"X-Forwarded-For": "127.0.0.1"}), 401)  # anyone can write that
    assert _shown(_get(app, "127.0.0.1", {"X-Forwarded-For": OUTSIDE, **bearer(tokens["admin"])}))


def test_behind_the_trusted_proxy_only_a_forwarded_loopback_client_is_this_machine(tmp_path):
    app, tokens = _app(tmp_path, trusted_proxies=["127.0.0.1"])
    assert _refused(_get(app, "127.0.0.1", {"X-Forwarded-For": OUTSIDE}), 401)
    assert _refused(_get(app, "127.0.0.1", {"X-Forwarded-For": f"127.0.0.1, {OUTSIDE}"}), 401)  # spoofed first hop
    assert _refused(_get(app, "127.0.0.1"), 401)  # the proxy did not say for whom
    assert _shown(_get(app, "127.0.0.1", {"X-Forwarded-For": "127.0.0.1"}))
    assert _shown(_get(app, "127.0.0.1", {"X-Forwarded-For": OUTSIDE, **bearer(tokens["admin"])}))
    assert _refused(_get(app, "127.0.0.1", {"X-Forwarded-For": OUTSIDE, **bearer(tokens["clerk"])}), 403)
    # an address that is not the proxy cannot claim to forward for this machine
    assert _refused(_get(app, "10.0.0.7", {"X-Forwarded-For": "127.0.0.1"}), 401)


def test_behind_the_trusted_proxy_the_forwarded_client_is_the_one_recorded(tmp_path):
    """The app takes X-Forwarded-For of --proxy itself: the audit log shows the forwarded address."""
    app, _ = _app(tmp_path, trusted_proxies=["127.0.0.1"])
    from generator.web.db import AuditEntry

    browser = TestClient(app, client=("127.0.0.1", 50000), headers={"X-Forwarded-For": OUTSIDE})
    sign_in(browser, "clerk")
    with app.state.sessions() as db:
        addresses = {e.address for e in db.scalars(select(AuditEntry).where(AuditEntry.action == "登录"))}
    assert addresses == {OUTSIDE}


@pytest.mark.parametrize("proxies", [[], ["127.0.0.1"]])
def test_the_operator_can_open_them_to_everyone(tmp_path, proxies):
    app, _ = _app(tmp_path, metrics_public=True, trusted_proxies=proxies)
    assert _shown(_get(app, OUTSIDE))
    assert _shown(_get(app, "127.0.0.1", {"X-Forwarded-For": OUTSIDE}))


def test_the_serve_option_is_documented_and_reaches_the_settings(tmp_path, monkeypatch, capsys):
    from generator.web import cli

    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "--metrics-public" in capsys.readouterr().out
    seen = []
    monkeypatch.setattr(cli, "serve", lambda settings, link: seen.append(settings) or 0)
    assert cli.main(["--data", str(tmp_path), "--metrics-public"]) == 0
    assert cli.main(["--data", str(tmp_path), "--proxy", "127.0.0.1"]) == 0
    assert [(s.metrics_public, s.trusted_proxies) for s in seen] == [(True, []), (False, ["127.0.0.1"])]


# --------------------------------------------------------------------------- a real server and proxy headers
@pytest.mark.parametrize("options, asks", [
    ([], [({}, 200), ({"X-Forwarded-For": OUTSIDE}, 401)]),
    (["--proxy", "127.0.0.1"], [({"X-Forwarded-For": OUTSIDE}, 401), ({"X-Forwarded-For": f"127.0.0.1, {OUTSIDE}"}, 401),
                                ({}, 401), ({"X-Forwarded-For": "127.0.0.1"}, 200)]),
    (["--proxy", "127.0.0.1", "--metrics-public"], [({"X-Forwarded-For": OUTSIDE}, 200), ({}, 200)]),
], ids=["direct", "proxy", "proxy-public"])
def test_through_uvicorn(tmp_path, options, asks):
    """``juesuan-gen serve`` as started by the operator: uvicorn and the app see the same connection."""
    import httpx

    with serving(tmp_path, *options) as base:
        for headers, status in asks:
            r = httpx.get(f"{base}/metrics", headers=headers, timeout=10)
            assert r.status_code == status, (headers, r.status_code, r.text[:200])
            assert (FIGURES in r.text) is (status == 200)
