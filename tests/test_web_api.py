"""The web server's JSON API and its access rules: tokens, units, CSRF, limits, queue, audit."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from tests.web_support import (  # noqa: E402
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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One running app (with its generation workers) and three accounts."""
    with running_app(tmp_path_factory.mktemp("web")) as started:
        yield started


@pytest.fixture
def idle_app(tmp_path):
    """An app whose lifespan (and so the generation workers) is not started: jobs stay queued."""
    from generator.web.app import create_app

    return create_app(make_settings(tmp_path, queue_limit=1, login_limit_account=3, login_limit_address=5))


def cli_check_json(path):
    out = subprocess.run([sys.executable, "-m", "generator", "--check", "--json", str(path)],
                         capture_output=True, text=True, check=False)
    return json.loads(out.stdout)[0]


def test_health_needs_no_token(server):
    _, client, _ = server
    r = client.get("/api/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_api_documentation_is_served_without_any_cdn(server):
    _, client, _ = server
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/swagger-ui/swagger-ui-bundle.js" in page.text and "cdn" not in page.text.lower()
    assert client.get("/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/swagger-ui/swagger-ui.css").headers["content-type"].startswith("text/css")
    spec = client.get("/openapi.json").json()
    assert {"/api/health", "/api/check", "/api/submissions", "/api/submissions/{sid}"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


@pytest.mark.parametrize("url", ["/api/check", "/api/submissions", "/api/submissions/1", "/api/units"])
def test_no_token_is_401(server, url):
    _, client, _ = server
    r = client.post(url, files={"file": ("x.xlsx", b"PK")}) if url in ("/api/check", "/api/submissions") \
        else client.get(url)
    assert r.status_code == 401
    assert r.json()["detail"] == "未登录或令牌无效"
    assert r.headers["www-authenticate"] == "Bearer"
    assert client.get(url if "1" in url else "/api/units", headers=bearer("jg_wrong")).status_code == 401


def test_check_returns_the_cli_check_json_object(server):
    _, client, tokens = server
    r = upload(client, SAMPLE_12345, tokens["a"], url="/api/check")
    assert r.status_code == 200
    expected = cli_check_json(SAMPLE_12345)
    expected["file"] = SAMPLE_12345.name
    assert r.json() == expected
    procurement = [f for f in r.json()["findings"] if "900.52" in f["message"]]
    assert procurement and procurement[0]["severity"] == "警告" and procurement[0]["cells"]


def test_submission_is_generated_in_the_background_and_files_download_with_the_token(server):
    _, client, tokens = server
    r = upload(client, SAMPLE_12345, tokens["a"])
    assert r.status_code == 202
    body = r.json()
    assert set(body) == {"id", "status"} and body["status"] == "queued"
    got = wait_for(client, body["id"], tokens["a"])
    assert {"id", "unit", "status", "findings", "files"} <= set(got)
    assert got["status"] == "generated", got["message"]
    assert got["unit"] == UNIT_12345
    assert any("900.52" in f["message"] for f in got["findings"])
    assert set(got["files"]) >= {"docx", "pdf", "html", "report"}
    report = client.get(got["files"]["report"], headers=bearer(tokens["a"]))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(report.content))
    assert book.sheetnames[0] == "检查结果"
    assert any("900.52" in str(c.value) for row in book["检查结果"].iter_rows() for c in row)
    pdf = client.get(got["files"]["pdf"], headers=bearer(tokens["a"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = client.get(got["files"]["docx"], headers=bearer(tokens["a"]))
    assert docx.content.startswith(b"PK")
    # without the token the URL gives nothing
    assert client.get(got["files"]["pdf"]).status_code == 401
    # the admin sees it too; unit B does not (404, as if it did not exist)
    assert client.get(f"/api/submissions/{body['id']}", headers=bearer(tokens["admin"])).status_code == 200
    for url in (f"/api/submissions/{body['id']}", got["files"]["pdf"]):
        r = client.get(url, headers=bearer(tokens["b"]))
        assert r.status_code == 404
        assert "不属于本单位" in r.json()["detail"]
    assert client.get("/api/submissions/999999", headers=bearer(tokens["a"])).status_code == 404


def test_a_unit_cannot_submit_another_units_workbook(server):
    app, client, tokens = server
    from generator.web.db import Submission

    with app.state.sessions() as db:
        before = len(db.scalars(select(Submission)).all())
    r = upload(client, SAMPLE_CENTRE, tokens["a"])
    assert r.status_code == 403
    assert r.json()["detail"] == (f"该工作簿属于“{UNIT_CENTRE}”，不是本单位（{UNIT_12345}）的工作簿，不能提交")
    with app.state.sessions() as db:
        assert len(db.scalars(select(Submission)).all()) == before  # nothing stored
    # unit B cannot overwrite (or regenerate) unit A's submission either
    with app.state.sessions() as db:
        a_sub = db.scalars(select(Submission).where(Submission.unit.has(name=UNIT_12345))).first()
    assert client.post(f"/api/submissions/{a_sub.id}/generate", headers=bearer(tokens["b"])).status_code == 404
    # and B's listing shows none of A's submissions
    listed = client.get("/api/submissions", headers=bearer(tokens["b"])).json()
    assert all(s["unit"] != UNIT_12345 for s in listed)


def test_a_workbook_with_errors_is_stored_but_not_generated(server, tmp_path):
    _, client, tokens = server
    data = json.loads((SAMPLE_12345.parent / "data" / f"{UNIT_12345}.json").read_text(encoding="utf-8"))
    data["t01"]["income_grand_total"] = "1.00"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = upload(client, broken, tokens["a"])
    assert r.status_code == 202 and r.json()["status"] == "errors"
    got = client.get(f"/api/submissions/{r.json()['id']}", headers=bearer(tokens["a"])).json()
    assert got["errors"] > 0 and set(got["files"]) == {"report"}  # the marked-up workbook (JSON: a list)
    assert any(f["severity"] == "错误" for f in got["findings"])
    r = client.post(f"/api/submissions/{got['id']}/generate", headers=bearer(tokens["a"]))
    assert r.status_code == 409 and "有错误" in r.json()["detail"]


def test_upload_type_and_size_limits(server):
    app, client, tokens = server
    r = client.post("/api/check", files={"file": ("a.docx", b"PK..")}, headers=bearer(tokens["a"]))
    assert r.status_code == 415 and "只接受" in r.json()["detail"]
    r = client.post("/api/check", files={"file": ("a.xlsx", b"not a workbook")}, headers=bearer(tokens["a"]))
    assert r.status_code == 400 and "不是有效的 .xlsx" in r.json()["detail"]
    limit = app.state.settings.max_upload_bytes
    r = client.post("/api/check", files={"file": ("big.xlsx", b"PK" + b"0" * limit)}, headers=bearer(tokens["a"]))
    assert r.status_code == 413 and "超过大小上限" in r.json()["detail"]
    huge = app.state.settings.max_upload_bytes + 2 * 1024 * 1024
    r = client.post("/api/check", content=b"x", headers={**bearer(tokens["a"]), "content-length": str(huge),
                                                          "content-type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413 and "超过上限" in r.json()["detail"]
    r = client.post("/api/batches", content=b"x", headers={
        **bearer(tokens["admin"]), "content-length": str(app.state.settings.max_zip_total_bytes + 2 * 1024 * 1024),
        "content-type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413


def test_pages_refuse_a_form_or_upload_without_the_csrf_token(idle_app):
    with TestClient(idle_app) as _:
        pass
    client = TestClient(idle_app)
    add_account(idle_app, "clerk", unit=UNIT_12345)
    csrf = sign_in(client, "clerk")
    assert csrf
    with open(SAMPLE_12345, "rb") as fh:
        content = fh.read()
    # the session cookie alone is not enough for a change
    r = client.post("/api/submissions", files={"file": (SAMPLE_12345.name, content)}, data={"generate": "false"})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    r = client.post("/api/submissions", files={"file": (SAMPLE_12345.name, content)}, data={"generate": "false"},
                    headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    r = client.post("/account", data={"action": "token"})
    assert r.status_code == 403 and "防伪令牌" in r.text
    r = client.post("/login", data={"name": "clerk", "password": "x"})  # no pre-session token either
    assert r.status_code == 403
    # with the token it works
    r = client.post("/api/submissions", files={"file": (SAMPLE_12345.name, content)}, data={"generate": "false"},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 202 and r.json()["status"] == "checked"
    page = client.get(f"/submissions/{r.json()['id']}")
    assert page.status_code == 200 and "900.52" in page.text and "政府采购" in page.text


def test_sign_in_is_rate_limited_per_account_and_per_address(idle_app):
    import re

    client = TestClient(idle_app)
    add_account(idle_app, "clerk", unit=UNIT_12345)
    pre = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)

    def attempt(name, password):
        return client.post("/login", data={"name": name, "password": password, "csrf_token": pre},
                           follow_redirects=False)

    codes = [attempt("clerk", "wrong-password").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    r = attempt("clerk", "pass1234word")  # even the right password waits
    assert r.status_code == 429 and "登录尝试过于频繁" in r.text
    # per address: other names from the same address are refused after the address limit (5)
    codes = [attempt(f"nobody{i}", "x").status_code for i in range(3)]
    assert codes[-1] == 429
    assert client.get("/api/health").status_code == 200


def test_the_queue_is_bounded(idle_app):
    client = TestClient(idle_app)  # lifespan not started: queued jobs stay queued
    token = add_account(idle_app, "clerk", unit=UNIT_12345)
    first = upload(client, SAMPLE_12345, token)
    assert first.status_code == 202 and first.json()["status"] == "queued"
    second = upload(client, SAMPLE_12345, token)
    assert second.status_code == 503
    assert second.json()["detail"] == "服务器正忙，生成队列已满，请稍后再试"
    assert second.headers["retry-after"]
    # checking alone still works while the queue is full
    assert upload(client, SAMPLE_12345, token, url="/api/check").status_code == 200
    metrics = TestClient(idle_app, client=("127.0.0.1", 50000)).get("/metrics").text  # a scraper on this machine
    assert 'juesuan_jobs{state="pending"} 1.0' in metrics
    assert "juesuan_queue_full_total 1.0" in metrics


def test_audit_log_records_who_did_what(server):
    app, client, tokens = server
    from generator.web.db import AuditEntry

    r = upload(client, SAMPLE_12345, tokens["a"], generate="false")
    sid = r.json()["id"]
    client.get(f"/api/submissions/{sid}/files/source", headers=bearer(tokens["a"]))
    with app.state.sessions() as db:
        entries = db.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    mine = [(e.account_name, e.action) for e in entries if f"#{sid}" in e.detail]
    assert ("clerk-a", "上传") in mine and ("clerk-a", "下载") in mine
    assert any(e.action == "拒绝上传" and e.account_name == "clerk-a" for e in entries)
    assert any(e.action == "生成" for e in entries)
    # the admin's page shows them; a unit cannot open it
    admin = TestClient(app)
    sign_in(admin, "boss")
    page = admin.get("/bureau/audit")
    assert page.status_code == 200 and f"提交 #{sid}" in page.text
    unit = TestClient(app)
    sign_in(unit, "clerk-a")
    assert unit.get("/bureau/audit").status_code == 403


def test_bureau_batch_with_a_corrupt_workbook_and_zip_download(server, tmp_path):
    app, client, tokens = server
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.write(SAMPLE_12345, f"单位/{SAMPLE_12345.name}")
        zf.write(SAMPLE_CENTRE, f"../../{SAMPLE_CENTRE.name}")  # a traversal name is only a name
        zf.writestr("坏的.xlsx", b"PK\x03\x04 this is not a workbook")
        zf.writestr("__MACOSX/._x.xlsx", b"junk")
        zf.writestr("说明.txt", b"skip me")
    r = client.post("/api/batches", files=[("files", ("units.zip", buf.getvalue()))], headers=bearer(tokens["admin"]))
    assert r.status_code == 202, r.text
    bid = r.json()["id"]
    assert r.json()["total"] == 3
    assert client.post("/api/batches", files=[("files", ("x.zip", buf.getvalue()))],
                       headers=bearer(tokens["a"])).status_code == 403
    import time

    for _ in range(800):
        progress = client.get(f"/api/batches/{bid}", headers=bearer(tokens["admin"])).json()
        if progress["done"]:
            break
        time.sleep(0.3)
    assert progress["done"] and progress["generated"] == 2 and progress["failed"] == 1
    bad = next(i for i in progress["items"] if i["filename"] == "坏的.xlsx")
    assert bad["status"] == "unreadable" and bad["message"]
    assert {i["filename"] for i in progress["items"]} == {SAMPLE_12345.name, SAMPLE_CENTRE.name, "坏的.xlsx"}
    units = client.get("/api/units?year=2024", headers=bearer(tokens["admin"])).json()["units"]
    assert {u["name"]: u["state"] for u in units}[UNIT_CENTRE] == "已生成"
    admin = TestClient(app)
    sign_in(admin, "boss")
    z = admin.get("/bureau/download.zip?year=2024")
    assert z.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(z.content)).namelist()
    assert "汇总.xlsx" in names
    assert any(n.startswith(UNIT_CENTRE) and n.endswith(".pdf") for n in names)
    assert not any("检查结果" in n for n in names)  # the documents, not the check reports
    from openpyxl import load_workbook

    summary = zipfile.ZipFile(io.BytesIO(z.content)).read("汇总.xlsx")
    rows = list(load_workbook(io.BytesIO(summary)).active.values)
    assert {r[1] for r in rows[1:-1]} == {UNIT_12345, UNIT_CENTRE}


def test_restart_keeps_data_and_runs_the_pending_job(tmp_path):
    from generator.web.app import create_app
    from generator.web.db import Job

    settings = make_settings(tmp_path)
    first = create_app(settings)
    client = TestClient(first)  # stopped before its job ran
    token = add_account(first, "clerk", unit=UNIT_12345)
    sid = upload(client, SAMPLE_12345, token).json()["id"]
    with first.state.sessions.begin() as db:  # and a job that was running when the server stopped
        sid2 = upload(client, SAMPLE_12345, token, generate="false").json()["id"]
        first.state.runner.queue_limit = 10
        (job2,) = first.state.runner.enqueue(db, [db.get(type(db.get(Job, 1).submission), sid2)])
        job2.state, job2.attempts = "running", 2  # already tried twice: it fails with a reason
    first.state.engine.dispose()

    second = create_app(make_settings(tmp_path))
    with TestClient(second) as client2:
        got = wait_for(client2, sid, token)
        assert got["status"] == "generated" and "pdf" in got["files"]
        gone = client2.get(f"/api/submissions/{sid2}", headers=bearer(token)).json()
        assert gone["status"] == "failed" and "不再重试" in gone["message"]
        assert client2.get("/api/submissions", headers=bearer(token)).status_code == 200


def test_no_traceback_reaches_the_browser(server, monkeypatch):
    app, client, tokens = server
    sid = upload(client, SAMPLE_12345, tokens["a"], generate="false").json()["id"]

    def boom(*a, **k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.state.store, "path", boom)
    quiet = TestClient(app, raise_server_exceptions=False)
    r = quiet.get(f"/api/submissions/{sid}/files/source", headers=bearer(tokens["a"]))
    assert r.status_code == 500
    assert "服务器内部错误" in r.json()["detail"] and "secret" not in r.text and "Traceback" not in r.text
    sign_in(quiet, "clerk-a")
    r = quiet.get(f"/submissions/{sid}/preview", headers={"accept": "text/html"})
    assert r.status_code in (404, 500) and "Traceback" not in r.text and "secret" not in r.text
    r = quiet.get("/no/such/page", headers={"accept": "text/html"})
    assert r.status_code == 404 and "页面或资源不存在" in r.text and "Traceback" not in r.text
    r = quiet.get("/api/units", headers=bearer(tokens["a"]))
    assert r.status_code == 403 and "管理员" in r.json()["detail"]


def test_next_years_workbook_is_prefilled_from_a_submission_of_the_own_unit_only(server):
    app, client, tokens = server
    from openpyxl import load_workbook

    sid = upload(client, SAMPLE_12345, tokens["a"], generate="false").json()["id"]
    wait_for(client, sid, tokens["a"])
    clerk = TestClient(app)
    sign_in(clerk, "clerk-a")
    r = clerk.get(f"/template-next.xlsx?sid={sid}")
    assert r.status_code == 200, r.text
    book = load_workbook(io.BytesIO(r.content))
    info = [c.value for row in book["单位信息"].iter_rows() for c in row]
    assert 2025 in info or "2025" in info  # 年度 + 1
    compare = [c.value for row in book["对比与原因"].iter_rows() for c in row]
    assert 3361.4 in compare  # last year's 收入支出总计 carried as this year's 上年决算数
    other = TestClient(app)
    sign_in(other, "clerk-b")
    assert other.get(f"/template-next.xlsx?sid={sid}").status_code == 404


def test_every_response_carries_the_security_headers(idle_app):
    client = TestClient(idle_app)
    pages = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'"
    for r in (client.get("/login"), client.get("/api/health"), client.get("/api/submissions"),
              client.get("/no-such-page", headers={"accept": "text/html"})):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        assert r.headers["x-frame-options"] == "SAMEORIGIN"
        assert r.headers["content-security-policy"] == pages
    docs = client.get("/docs")
    assert "script-src 'self' 'unsafe-inline'" in docs.headers["content-security-policy"]
    assert len(docs.headers.get_list("content-security-policy")) == 1


def test_file_links_do_not_follow_a_forged_host_header(server):
    """The download links are root-relative: a request with a forged Host header cannot make the
    server hand a client links (to be followed with its token) to another server."""
    _, client, tokens = server
    sid = upload(client, SAMPLE_12345, tokens["a"]).json()["id"]
    wait_for(client, sid, tokens["a"])
    got = client.get(f"/api/submissions/{sid}", headers={**bearer(tokens["a"]), "Host": "evil.example"}).json()
    assert got["files"], got
    for kind, url in got["files"].items():
        assert url == f"/api/submissions/{sid}/files/{kind}"
        assert client.get(url, headers=bearer(tokens["a"])).status_code == 200
