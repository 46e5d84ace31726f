"""The real 上海 format through the server, and a generation in another 公开格式 that fails.

* A 上海 sample (a 部门决算, naming the 上海 format) uploaded by its unit's account and generated
  in its own format: the DOCX, PDF and HTML read back carry the 上海 title and heading order and the
  files are named as the command line names them.
* A 乌鲁木齐 sample generated in the 上海 format and in its own: the 上海 parts and order in one,
  the 乌鲁木齐 ones in the other, from the same stored upload.
* A 公开格式 whose checks fail (the 上海 sample in the 乌鲁木齐 format, which asks for what the
  上海 sample does not fill in): nothing is generated, the message names the format and the
  errors with their cells, the upload's own check is kept, and the same upload is generated
  again in its own format without a new upload.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

import pytest

pytest.importorskip("fastapi")

from tests.web_support import REPO, SAMPLE_12345, UNIT_12345, bearer, running_app, upload, wait_for  # noqa: E402

SAMPLE_SH = REPO / "samples" / "上海市普陀区财政局.xlsx"
UNIT_SH = "上海市普陀区财政局"
STEM_SH = f"{UNIT_SH}2024年度部门决算公开"
STEM_12345 = f"{UNIT_12345}2024年度单位决算公开"

# the 上海 document: 概况 → 决算表 → 决算情况说明 → 名词解释 (the 乌鲁木齐 one: 说明 first, tables last)
SH_PARTS = [r"第一部分 {unit}概况", r"第二部分 {unit}2024年度{kind}决算表", r"第三部分 {unit}2024年度{kind}决算情况说明",
            r"第四部分 名词解释"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    accounts = {"sh": ("putuo-czj", UNIT_SH), "wlmq": ("hotline", UNIT_12345)}
    with running_app(tmp_path_factory.mktemp("web-sh"), accounts, workers=2, check_workers=0) as (_, client, tokens):
        yield client, tokens


def _get(client, url: str, token: str) -> bytes:
    r = client.get(url, headers=bearer(token))
    assert r.status_code == 200, r.text
    return r.content


def _generate(client, sid: int, token: str, style: str = "") -> dict:
    r = client.post(f"/api/submissions/{sid}/generate", data={"style": style}, headers=bearer(token))
    assert r.status_code == 202, r.text
    return wait_for(client, sid, token, timeout=600)


def _html_parts(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r'<h2 id="sec\d+">(.*?)</h2>', html)]


def _pdf_text(data: bytes, tmp_path) -> str:
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _docx_paragraphs(data: bytes) -> list[str]:
    from docx import Document

    return [p.text for p in Document(io.BytesIO(data)).paragraphs if p.text.strip()]


def _in_order(texts: list[str], patterns: list[str]) -> bool:
    """Each pattern matches one of ``texts``, in this order."""
    at = 0
    for pattern in patterns:
        found = next((i for i in range(at, len(texts)) if re.fullmatch(pattern, texts[i].strip())), None)
        if found is None:
            return False
        at = found + 1
    return True


def _parts(unit: str, kind: str) -> list[str]:
    return [p.format(unit=re.escape(unit), kind=kind) for p in SH_PARTS]


def test_a_shanghai_department_generated_in_its_own_format(served, tmp_path):
    client, tokens = served
    r = upload(client, SAMPLE_SH, tokens["sh"], generate="false")
    assert r.status_code == 202 and r.json()["status"] == "checked", r.text
    got = _generate(client, r.json()["id"], tokens["sh"])
    assert got["status"] == "generated", got["message"]
    assert got["unit"] == UNIT_SH and got["year"] == 2024
    files = got["files"]
    assert set(files) >= {"docx", "pdf", "html", "xlsx", "report"}
    names = {kind: re.search(r'filename\*=utf-8\'\'(.+)$', client.get(files[kind], headers=bearer(tokens["sh"]))
                             .headers["content-disposition"], re.I).group(1) for kind in ("docx", "pdf", "html")}
    from urllib.parse import unquote

    assert {k: unquote(v) for k, v in names.items()} == {k: f"{STEM_SH}.{k}" for k in ("docx", "pdf", "html")}

    html = _get(client, files["html"], tokens["sh"]).decode("utf-8")
    assert f'<h1 class="doc-title">{UNIT_SH}2024年度部门决算</h1>' in html
    assert _in_order(_html_parts(html), _parts(UNIT_SH, "部门"))
    assert "七、财政拨款“三公”经费支出决算表" in html

    paragraphs = _docx_paragraphs(_get(client, files["docx"], tokens["sh"]))
    assert f"{UNIT_SH}2024年度部门决算" in paragraphs
    assert _in_order(paragraphs, _parts(UNIT_SH, "部门"))

    lines = [line.strip() for line in _pdf_text(_get(client, files["pdf"], tokens["sh"]), tmp_path).splitlines()]
    assert _in_order(lines, [re.escape(f"{UNIT_SH}2024年度部门决算"), *_parts(UNIT_SH, "部门")])

    with zipfile.ZipFile(io.BytesIO(_get(client, files["xlsx"], tokens["sh"]))) as zf:
        assert "xl/workbook.xml" in zf.namelist()


def test_a_format_whose_checks_fail_leaves_the_upload_to_be_generated_in_another(served):
    client, tokens = served
    sid = upload(client, SAMPLE_SH, tokens["sh"], generate="false").json()["id"]
    own = client.get(f"/api/submissions/{sid}", headers=bearer(tokens["sh"])).json()
    assert own["status"] == "checked" and own["errors"] == 0

    failed = _generate(client, sid, tokens["sh"], style="乌鲁木齐")
    assert failed["status"] == "failed"
    assert failed["message"].startswith("按公开格式“乌鲁木齐”检查有 ") and "条错误，未生成：" in failed["message"]
    assert re.search(r"(对比与原因|公开\d\d表|单位信息)![A-Z]+\d+：", failed["message"])  # the errors' cells
    assert "不必重新上传" in failed["message"]
    # the upload's own check stands: no errors, the same findings, nothing generated in the wrong format
    assert failed["errors"] == 0 and failed["findings"] == own["findings"]
    assert set(failed["files"]) == {"report"}

    again = _generate(client, sid, tokens["sh"])  # the same stored upload, its own format
    assert again["status"] == "generated", again["message"]
    assert again["message"] == "" or "按公开格式" not in again["message"]
    html = _get(client, again["files"]["html"], tokens["sh"]).decode("utf-8")
    assert _in_order(_html_parts(html), _parts(UNIT_SH, "部门"))
    # the page offers the generation again after the failure (no “重新上传” dead end)
    listed = client.get("/api/submissions", headers=bearer(tokens["sh"])).json()
    assert [s["id"] for s in listed].count(sid) == 1


def test_a_urumqi_unit_in_the_shanghai_format_and_in_its_own(served):
    client, tokens = served
    sid = upload(client, SAMPLE_12345, tokens["wlmq"], generate="false").json()["id"]
    in_sh = _generate(client, sid, tokens["wlmq"], style="上海")
    assert in_sh["status"] == "generated", in_sh["message"]
    sh_html = _get(client, in_sh["files"]["html"], tokens["wlmq"]).decode("utf-8")
    assert f'<h1 class="doc-title">{UNIT_12345}2024年度单位决算</h1>' in sh_html
    assert _in_order(_html_parts(sh_html), _parts(UNIT_12345, "单位"))
    assert in_sh["files"]["docx"].endswith("/files/docx")
    sh_docx = _docx_paragraphs(_get(client, in_sh["files"]["docx"], tokens["wlmq"]))
    assert _in_order(sh_docx, _parts(UNIT_12345, "单位"))

    in_own = _generate(client, sid, tokens["wlmq"])
    assert in_own["status"] == "generated", in_own["message"]
    own_html = _get(client, in_own["files"]["html"], tokens["wlmq"]).decode("utf-8")
    assert f'<h1 class="doc-title">{UNIT_12345}2024年单位决算公开说明</h1>' in own_html
    own_parts = _html_parts(own_html)
    assert _in_order(own_parts, [r"第一部分 单位概况", r"第二部分 .*决算情况说明", r"第三部分 .*名词解释",
                                 r"第四部分 .*决算报表.*"])
    assert not _in_order(own_parts, _parts(UNIT_12345, "单位"))
    # both generations name their files alike (the format does not change the file name)
    name = client.get(in_own["files"]["pdf"], headers=bearer(tokens["wlmq"])).headers["content-disposition"]
    from urllib.parse import unquote

    assert unquote(name).endswith(f"{STEM_12345}.pdf")
