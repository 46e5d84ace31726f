"""The bureau's 部门汇总工作簿 in the server: the current submissions of a year's units without 错误
consolidated (as ``juesuan-gen --consolidate``), the others listed with the reason; the page's
form (CSRF), the JSON API, and unit accounts refused."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest

pytest.importorskip("fastapi")

from tests.web_support import (  # noqa: E402
    SAMPLE_12345,
    SAMPLE_CENTRE,
    STAFF,
    UNIT_12345,
    UNIT_CENTRE,
    add_account,
    bearer,
    running_app,
    sign_in,
    upload,
)

DEPARTMENT = "乌鲁木齐市数字化发展局"  # the 主管部门 both samples name
OTHER = "乌鲁木齐市测试单位"
SILENT = "乌鲁木齐市未提交单位"


def _variant(tmp_path, name: str, broken: bool):
    """The 12345 sample as another unit, its totals broken (错误) or not."""
    data = json.loads((SAMPLE_12345.parent / "data" / f"{UNIT_12345}.json").read_text(encoding="utf-8"))
    data["unit"]["name"] = name
    if broken:
        data["t01"]["income_grand_total"] = "1.00"
    path = tmp_path / f"{name}{'-broken' if broken else ''}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Two units whose current versions are clean (12345 after a broken one), one whose current
    version has 错误 (after a clean one), and one that never submitted."""
    tmp = tmp_path_factory.mktemp("dept")
    accounts = {"admin": STAFF["admin"], "a": STAFF["a"], "silent": ("clerk-x", SILENT)}
    with running_app(tmp / "data", accounts) as (app, client, tokens):
        admin = tokens["admin"]
        for path in (_variant(tmp, UNIT_12345, broken=True), SAMPLE_12345, SAMPLE_CENTRE,
                     _variant(tmp, OTHER, broken=False), _variant(tmp, OTHER, broken=True)):
            r = upload(client, path, admin, generate="false")
            assert r.status_code == 202, r.text
        yield app, client, tokens


def _sums(disclosures):
    return {
        "income_total": sum((d.t01.income_total for d in disclosures), Decimal(0)),
        "expense_grand_total": sum((d.t01.expense_grand_total for d in disclosures), Decimal(0)),
        "t05": sum((d.t05.totals.total for d in disclosures), Decimal(0)),
        "t06_public": sum((d.t06.public_total for d in disclosures), Decimal(0)),
        "sangong": sum((d.t09.actual.total for d in disclosures), Decimal(0)),
        "procurement": sum((d.procurement.total for d in disclosures), Decimal(0)),
    }


def test_api_consolidates_the_clean_current_versions_and_lists_the_others(server, tmp_path):
    from generator.inputs import load_input
    from generator.model import DocumentKind

    _, client, tokens = server
    r = client.post("/api/department-workbooks", json={"year": 2024, "name": DEPARTMENT},
                    headers=bearer(tokens["admin"]))
    assert r.status_code == 201, r.text
    made = r.json()
    assert {u["unit"] for u in made["units"]} == {UNIT_12345, UNIT_CENTRE}
    left = {x["unit"]: x["reason"] for x in made["left_out"]}
    assert set(left) == {OTHER, SILENT}
    assert re.fullmatch(r"当前版本（提交 #\d+）检查有 \d+ 条错误，改正后重新上传才能汇总", left[OTHER])
    assert left[SILENT] == "未提交 2024 年度的工作簿"
    assert made["filename"] == f"{DEPARTMENT}2024年度部门决算工作簿（汇总）.xlsx"

    got = client.get(made["file"], headers=bearer(tokens["admin"]))
    assert got.status_code == 200 and got.content.startswith(b"PK")
    target = tmp_path / made["filename"]
    target.write_bytes(got.content)
    dept = load_input(target).disclosure  # read back by the project's reader
    units = [load_input(p).disclosure for p in (SAMPLE_12345, SAMPLE_CENTRE)]
    assert dept.unit.document is DocumentKind.DEPARTMENT
    assert dept.unit.name == DEPARTMENT and dept.unit.year == 2024
    assert {m.name for m in dept.unit.members} == {UNIT_12345, UNIT_CENTRE}
    assert _sums([dept]) == _sums(units)
    assert {r.code: r.total for r in dept.t05.rows} == {
        code: sum((r.total for u in units for r in u.t05.rows if r.code == code), Decimal(0))
        for code in {r.code for u in units for r in u.t05.rows}}
    # listed, and fetched again by id
    assert client.get(f"/api/department-workbooks/{made['id']}", headers=bearer(tokens["admin"])).json() == made
    assert made["id"] in [m["id"] for m in client.get("/api/department-workbooks?year=2024",
                                                      headers=bearer(tokens["admin"])).json()]


def test_unit_accounts_cannot_consolidate_or_download(server):
    _, client, tokens = server
    r = client.post("/api/department-workbooks", json={"year": 2024, "name": DEPARTMENT},
                    headers=bearer(tokens["a"]))
    assert r.status_code == 403 and "主管部门" in r.json()["detail"]
    made = client.post("/api/department-workbooks", json={"year": 2024, "name": DEPARTMENT},
                       headers=bearer(tokens["admin"])).json()
    for url in ("/api/department-workbooks", f"/api/department-workbooks/{made['id']}",
                f"/api/department-workbooks/{made['id']}/file"):
        assert client.get(url, headers=bearer(tokens["a"])).status_code == 403, url
        assert client.get(url).status_code == 401, url
    assert client.post("/api/department-workbooks", json={"year": 2024, "name": DEPARTMENT}).status_code == 401


def test_a_year_without_clean_units_and_a_blank_name_are_refused_in_chinese(server):
    _, client, tokens = server
    r = client.post("/api/department-workbooks", json={"year": 2023, "name": DEPARTMENT},
                    headers=bearer(tokens["admin"]))
    assert r.status_code == 409
    assert r.json()["detail"].startswith("2023 年度没有可以汇总的单位（")
    assert f"{SILENT}：未提交 2023 年度的工作簿" in r.json()["detail"]
    r = client.post("/api/department-workbooks", json={"year": 2024, "name": "   "},
                    headers=bearer(tokens["admin"]))
    assert r.status_code == 422 and "部门名称" in r.json()["detail"]


def test_the_api_is_documented(server):
    _, client, _ = server
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/department-workbooks"]["post"]
    assert post["summary"] == "生成部门汇总工作簿（管理员）"
    assert "/api/department-workbooks/{did}/file" in spec["paths"]


def test_the_page_prefills_the_department_and_its_form_needs_the_csrf_token(tmp_path):
    accounts = {"admin": STAFF["admin"], "silent": ("clerk-x", SILENT)}
    with running_app(tmp_path / "data", accounts, check_workers=0) as (app, client, tokens):
        admin = tokens["admin"]
        for path in (SAMPLE_12345, SAMPLE_CENTRE):
            assert upload(client, path, admin, generate="false").status_code == 202
        csrf = sign_in(client, "boss")
        page = client.get("/bureau/department?year=2024")
        assert page.status_code == 200
        assert f'name="name" value="{DEPARTMENT}"' in page.text  # the units' 主管部门
        assert SILENT in page.text and "未提交 2024 年度的工作簿" in page.text
        assert "生成部门汇总工作簿（2 个单位）" in page.text
        assert "/bureau/department?year=2024" in client.get("/bureau?year=2024").text

        r = client.post("/bureau/department", data={"year": "2024", "name": DEPARTMENT}, follow_redirects=False)
        assert r.status_code == 403 and "防伪令牌" in r.text
        r = client.post("/bureau/department", data={"year": "2024", "name": DEPARTMENT, "csrf_token": "forged"},
                        follow_redirects=False)
        assert r.status_code == 403
        r = client.post("/bureau/department", data={"year": "2024", "name": DEPARTMENT, "csrf_token": csrf},
                        follow_redirects=False)
        assert r.status_code == 303
        shown = client.get(r.headers["location"])
        assert f"已生成：{DEPARTMENT} 2024 年度部门汇总工作簿" in shown.text
        assert "未提交 2024 年度的工作簿" in shown.text
        link = re.search(r'id="department-download" href="([^"]+)"', shown.text).group(1)
        book = client.get(link)
        assert book.status_code == 200
        from openpyxl import load_workbook

        assert "单位信息" in load_workbook(io.BytesIO(book.content)).sheetnames
        # a unit account's session: refused
        client.cookies.clear()
        add_account(app, "clerk-a", unit=UNIT_12345)
        csrf_a = sign_in(client, "clerk-a")
        r = client.post("/bureau/department", data={"year": "2024", "name": DEPARTMENT, "csrf_token": csrf_a},
                        follow_redirects=False)
        assert r.status_code == 403
        assert client.get("/bureau/department").status_code == 403


def test_the_plan_lists_a_department_workbook_as_left_out_before_anything_is_built(tmp_path):
    """The page counts only what will be summed: a unit whose current version is itself a 部门决算
    workbook (the 上海 samples are) is listed as left out by the plan, not only after building."""
    from types import SimpleNamespace

    from generator.web.department import plan

    samples = SAMPLE_12345.parent / "data"
    department = samples / "上海市普陀区财政局.json"
    assert json.loads(department.read_text(encoding="utf-8"))["unit"]["document"] == "部门"

    def row(name, sid, path):
        sub = SimpleNamespace(id=sid, status="ok", errors=0, result={"errors": 0}, message="", stored=path)
        return {"unit": SimpleNamespace(name=name), "latest": sub}

    chosen = plan([row(UNIT_12345, 1, samples / f"{UNIT_12345}.json"), row("上海市普陀区财政局", 2, department)],
                  2024, lambda stored: stored)
    assert [p[:2] for p in chosen.picked] == [(UNIT_12345, 1)]
    assert chosen.left_out == [{"unit": "上海市普陀区财政局", "submission": 2,
                                "reason": "当前版本（提交 #2）已是部门决算工作簿，只汇总单位决算工作簿"}]
