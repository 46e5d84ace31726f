"""The 公开格式 chosen in the web pages and the API: for a clerk's generation and the bureau's
batch (default: each workbook's own format), an unknown name refused in Chinese, the choice kept
with the job (it survives a restart) and honoured by the generation worker."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

import generator.formats as formats  # noqa: E402
from generator.formats import DEFAULT_STYLE, known_styles, style_error  # noqa: E402
from tests.web_support import (  # noqa: E402
    REPO,
    SAMPLE_12345,
    UNIT_12345,
    add_account,
    bearer,
    make_settings,
    sign_in,
    upload,
)


@pytest.fixture
def idle_app(tmp_path):
    """No generation workers: jobs stay queued and can be looked at."""
    from generator.web.app import create_app

    return create_app(make_settings(tmp_path, check_workers=0))


def _jobs(app):
    from generator.web.db import Job

    with app.state.sessions() as db:
        return [(j.submission_id, j.style) for j in db.scalars(select(Job).order_by(Job.id))]


def test_generation_keeps_the_chosen_format_and_defaults_to_the_workbooks_own(idle_app):
    client = TestClient(idle_app)
    token = add_account(idle_app, "clerk", unit=UNIT_12345)
    first = upload(client, SAMPLE_12345, token).json()["id"]  # generated at once, in the workbook's format
    second = upload(client, SAMPLE_12345, token, generate="false").json()["id"]
    r = client.post(f"/api/submissions/{second}/generate", data={"style": DEFAULT_STYLE}, headers=bearer(token))
    assert r.status_code == 202 and r.json()["status"] == "queued"
    third = upload(client, SAMPLE_12345, token, style=DEFAULT_STYLE).json()["id"]
    assert _jobs(idle_app) == [(first, ""), (second, DEFAULT_STYLE), (third, DEFAULT_STYLE)]
    from generator.web.db import AuditEntry

    with idle_app.state.sessions() as db:
        details = [a.detail for a in db.scalars(select(AuditEntry).where(AuditEntry.action == "生成"))]
    assert details[1].endswith(f"公开格式：{DEFAULT_STYLE}") and "公开格式" not in details[0]


def test_an_unknown_format_is_refused_in_chinese_naming_the_known_ones(idle_app):
    client = TestClient(idle_app)
    token = add_account(idle_app, "clerk", unit=UNIT_12345)
    admin = add_account(idle_app, "boss", admin=True)
    sid = upload(client, SAMPLE_12345, token, generate="false").json()["id"]
    r = client.post(f"/api/submissions/{sid}/generate", data={"style": "火星"}, headers=bearer(token))
    assert r.status_code == 422 and r.json()["detail"] == style_error("火星")
    assert "可选：" + "、".join(known_styles()) in r.json()["detail"]
    r = upload(client, SAMPLE_12345, token, style="火星")
    assert r.status_code == 422 and r.json()["detail"] == style_error("火星")
    r = client.post("/api/batches", files=[("files", (SAMPLE_12345.name, SAMPLE_12345.read_bytes()))],
                    data={"style": "火星"}, headers=bearer(admin))
    assert r.status_code == 422 and r.json()["detail"] == style_error("火星")
    assert _jobs(idle_app) == []


def test_the_bureaus_batch_takes_one_format_for_all(idle_app):
    client = TestClient(idle_app)
    admin = add_account(idle_app, "boss", admin=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.write(SAMPLE_12345, "a.xlsx")
        zf.write(SAMPLE_12345, "b.xlsx")
    r = client.post("/api/batches", files=[("files", ("all.zip", buf.getvalue()))], data={"style": DEFAULT_STYLE},
                    headers=bearer(admin))
    assert r.status_code == 202, r.text
    assert [s for _, s in _jobs(idle_app)] == [DEFAULT_STYLE, DEFAULT_STYLE]
    r = client.post("/api/batches", files=[("files", ("c.xlsx", SAMPLE_12345.read_bytes()))], headers=bearer(admin))
    assert [s for _, s in _jobs(idle_app)][-1] == ""


def test_the_pages_offer_the_formats_with_the_workbooks_own_as_default(idle_app):
    client = TestClient(idle_app)
    add_account(idle_app, "clerk", unit=UNIT_12345)
    add_account(idle_app, "boss", admin=True)
    csrf = sign_in(client, "clerk")
    r = client.post("/api/submissions", files={"file": (SAMPLE_12345.name, SAMPLE_12345.read_bytes())},
                    data={"generate": "false"}, headers={"X-CSRF-Token": csrf})
    page = client.get(f"/submissions/{r.json()['id']}").text
    assert f'<option value="">按工作簿所选（{DEFAULT_STYLE}）</option>' in page  # the samples name no format
    for name in known_styles():
        assert f'<option value="{name}">{name}</option>' in page
    client.cookies.clear()
    sign_in(client, "boss")
    bureau = client.get("/bureau").text
    assert 'id="batch-style"' in bureau and '<option value="">按各工作簿所选</option>' in bureau


def test_the_worker_renders_in_the_chosen_format(tmp_path, monkeypatch):
    """``_generate`` (the generation worker's entry) with a format other than the workbook's."""
    from generator.web.jobs import _generate

    root = tmp_path / "formats"
    shutil.copytree(REPO / "templates" / "formats", root)
    mine = root / "测试格式"
    shutil.copytree(root / DEFAULT_STYLE, mine)
    toml = mine / "sections.toml"
    text = toml.read_text(encoding="utf-8")
    assert 'part1 = "第一部分 单位概况"' in text
    toml.write_text(text.replace('part1 = "第一部分 单位概况"', 'part1 = "第一部分 测试格式概况"'), encoding="utf-8")
    monkeypatch.setattr(formats, "FORMATS_DIR", root)

    def html(style: str) -> str:
        out = tmp_path / f"out-{style or 'own'}"
        out.mkdir()
        result = _generate(str(SAMPLE_12345), str(out), ("html",), None, style)
        assert result.outputs, result.message
        return result.outputs[0].read_text(encoding="utf-8")

    assert "第一部分 测试格式概况" in html("测试格式")
    own = html("")
    assert "第一部分 单位概况" in own and "测试格式概况" not in own
