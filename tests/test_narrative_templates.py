"""The template machinery: filters, macros, line markup, and overriding templates."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from factories import D, make_disclosure

from generator.document import PageBreak, Paragraph, Table, Toc
from generator.errors import RenderError
from generator.report import build_document
from generator.templating import (
    NARRATIVE_DIR,
    cn_numeral,
    make_environment,
    parse_markup,
    render_text,
)


def render_string(source: str, **context) -> str:
    env = make_environment()
    return env.from_string(source).render(**context)


# ---------------------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("1234.5"), "1,234.50"), (D("0"), "0.00"), (D("0.005"), "0.01"), (D("-18.324"), "-18.32"), (3, "3.00")],
)
def test_money_filter(value, expected):
    assert render_string("{{ v|money }}", v=value) == expected


@pytest.mark.parametrize(("value", "expected"), [(D("-3.3155"), "-3.32%"), (D("100"), "100.00%"), (D("0"), "0.00%")])
def test_pct_filter(value, expected):
    assert render_string("{{ v|pct }}", v=value) == expected


@pytest.mark.parametrize(("value", "expected"), [(D("10"), "10"), (D("0.80"), "0.8"), (D("25.66"), "25.66"),
                                                 (D("100.00"), "100"), (D("0"), "0"), (7, "7")])
def test_num_filter(value, expected):
    assert render_string("{{ v|num }}", v=value) == expected


def test_clause_sentence_and_paras_filters():
    assert render_string("{{ t|clause }}", t=" 人员增加。 ") == "人员增加"
    assert render_string("{{ t|sentence }}", t="人员增加") == "人员增加。"
    assert render_string("{{ t|sentence }}", t="人员增加；") == "人员增加；"
    assert render_string("{{ t|paras }}", t="甲\n\n乙\n") == "甲\n\n乙"


@pytest.mark.parametrize(("n", "expected"), [(1, "一"), (9, "九"), (10, "十"), (14, "十四"), (20, "二十"), (26, "二十六")])
def test_chinese_numerals(n, expected):
    assert cn_numeral(n) == expected
    assert render_string("{{ n|cn }}", n=n) == expected


def test_strict_undefined():
    with pytest.raises(Exception, match="nothing"):
        render_string("{{ nothing }}")


# ---------------------------------------------------------------------------- macros


def _macro(call: str, **context) -> str:
    return render_string('{% import "_macros.j2" as m with context %}' + call, year=2024, prior_year=2023, **context)


def test_change_macro_words_follow_the_sign():
    from generator.compute import change

    assert _macro("{{ m.change(c) }}", c=change(D("416.40"), D("434.72"))) == "减少18.32万元，下降4.21%"
    assert _macro("{{ m.change(c) }}", c=change(D("2"), D("1"))) == "增加1.00万元，增长100.00%"
    assert _macro("{{ m.change(c) }}", c=change(D("0"), D("0"))) == "增加0.00万元，增长0.00%"


def test_reason_macro():
    assert _macro('{{ m.reason("原因甲。") }}') == "，主要原因是：原因甲"
    assert _macro('{{ m.reason("", "默认") }}') == "，主要原因是：默认"
    assert _macro('{{ m.reason("") }}') == ""


def test_persons_macro():
    assert _macro("{{ m.persons(2) }}|{{ m.persons(0) }}|{{ m.persons(-3) }}") == "增加2人|增加0人|减少3人"


def test_budget_macro():
    from generator.compute import budget_diff

    b = budget_diff(D("415.84"), D("430.10"))
    assert _macro("{{ m.budget(b) }}", b=b) == "年初预算数430.10万元，决算数415.84万元，预决算差异率-3.32%"
    assert _macro('{{ m.budget(b, "全年预算数") }}', b=b).startswith("全年预算数430.10万元")


def test_macros_print_a_placeholder_for_a_missing_figure_and_nothing_derived():
    from generator.compute import budget_diff, change

    c = change(D("457.86"), None, path=("comparisons", "total", "prior"))
    assert _macro("{{ m.change(c) }}", c=c) == "增减【待补：上年决算数】" + c.missing.tag
    b = budget_diff(D("3361.40"), None, path=("comparisons", "fiscal", "budget"))
    assert _macro("{{ m.budget(b) }}", b=b) == "年初预算数【待补：年初预算数】" + b.missing.tag + "，决算数3,361.40万元"
    assert _macro('{{ m.unplanned(c, "x") }}', c=change(D("0"), None)) == ""  # not “均未安排”


# ---------------------------------------------------------------------------- markup


def _table(key: str) -> Table:
    return Table(key=key, title="表", header=[], body=[], widths=[1.0], anchor=key)


def test_markup_headings_paragraphs_and_toc():
    text = (
        "@title 某单位2024年单位决算公开说明\n"
        "@toc\n"
        "# 第一部分 单位概况\n\n"
        "## 一、主要职能\n"
        "第一行\n第二行\n\n"
        "第二段\n"
        "#! 不进目录\n"
        "### （一）小节\n"
        "#### 第四级\n"
        "@entry t01 一、《收入支出决算总表》\n"
        "@pagebreak\n"
        "@table t01\n"
        "**一、名词：**解释。\n"
        "@center 居中\n"
        "\\# 字面\n"
    )
    result = parse_markup(text, {"t01": _table("t01")})
    assert result.title == "某单位2024年单位决算公开说明"
    kinds = [type(b).__name__ for b in result.blocks]
    assert kinds == ["Toc", "Heading", "Heading", "Paragraph", "Paragraph", "Heading", "Heading", "Heading",
                     "Paragraph", "PageBreak", "Table", "Paragraph", "Paragraph", "Paragraph"]
    b = result.blocks
    assert (b[1].level, b[1].text, b[1].in_toc) == (1, "第一部分 单位概况", True)
    assert b[3].text == "第一行第二行" and b[4].text == "第二段"
    assert (b[5].text, b[5].in_toc) == ("不进目录", False)
    assert (b[6].level, b[7].level) == (3, 4)
    assert (b[8].text, b[8].style) == ("一、《收入支出决算总表》", "plain")
    assert isinstance(b[9], PageBreak) and b[10].key == "t01"
    assert (b[11].bold_prefix, b[11].text) == ("一、名词：", "解释。")
    assert (b[12].text, b[12].style) == ("居中", "center")
    assert b[13].text == "# 字面"
    toc = b[0]
    assert isinstance(toc, Toc)
    assert [(e.level, e.text) for e in toc.entries] == [
        (1, "第一部分 单位概况"), (2, "一、主要职能"), (3, "（一）小节"), (2, "一、《收入支出决算总表》")]
    assert toc.entries[-1].anchor == "t01"
    assert toc.entries[0].anchor == b[1].anchor


def test_markup_unknown_table_or_directive_is_an_error():
    with pytest.raises(RenderError, match="t99"):
        parse_markup("@table t99", {})
    with pytest.raises(RenderError, match="@bogus"):
        parse_markup("@bogus x", {})


def test_inserted_values_are_plain_text():
    env = make_environment()
    text = env.from_string("{{ a }}\n\n前文{{ b }}\n").render(a="# 甲\n@toc\n**乙**", b="#丙")
    blocks = parse_markup(text).blocks
    assert all(isinstance(x, Paragraph) for x in blocks)
    assert [x.text for x in blocks] == ["# 甲@toc**乙**", "前文#丙"]


# ---------------------------------------------------------------------------- overriding


def test_override_one_template_file(tmp_path: Path):
    (tmp_path / "13_other.j2").write_text(
        "## 十二、其他需说明的事项\n\n{{ unit.name }}另行说明：无。\n", encoding="utf-8"
    )
    doc = build_document(make_disclosure(), templates_dir=tmp_path)
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert "测试市某某中心另行说明：无。" in texts
    assert "本单位无其他需说明的事项。" not in texts
    # every other section still comes from the packaged templates
    assert "十一、预算绩效的情况说明" in [h.text for h in doc.headings()]


def test_override_in_a_narrative_subdirectory(tmp_path: Path):
    (tmp_path / "narrative").mkdir()
    (tmp_path / "narrative" / "00_cover.j2").write_text("@title 自定义标题\n\n@toc\n", encoding="utf-8")
    assert build_document(make_disclosure(), templates_dir=tmp_path).title == "自定义标题"


def test_override_macros_changes_every_section(tmp_path: Path):
    source = (NARRATIVE_DIR / "_macros.j2").read_text(encoding="utf-8")
    (tmp_path / "_macros.j2").write_text(source.replace("，主要原因是：", "，原因："), encoding="utf-8")
    text = build_document(make_disclosure(), templates_dir=tmp_path).plain_text()
    assert "主要原因是" not in text and "，原因：业务量变化" in text


def test_override_with_undefined_name_is_a_render_error(tmp_path: Path):
    (tmp_path / "13_other.j2").write_text("{{ no_such_name }}\n", encoding="utf-8")
    with pytest.raises(RenderError, match="no_such_name"):
        build_document(make_disclosure(), templates_dir=tmp_path)


def test_override_with_syntax_error_is_a_render_error(tmp_path: Path):
    (tmp_path / "13_other.j2").write_text("{% if %}\n", encoding="utf-8")
    with pytest.raises(RenderError, match="13_other.j2"):
        build_document(make_disclosure(), templates_dir=tmp_path)


def test_missing_templates_dir_is_a_render_error(tmp_path: Path):
    with pytest.raises(RenderError, match="模板目录不存在"):
        build_document(make_disclosure(), templates_dir=tmp_path / "absent")


def test_missing_template_names_the_searched_directories(tmp_path: Path):
    env = make_environment(tmp_path)
    with pytest.raises(RenderError, match=str(tmp_path)):
        render_text(env, "nothing.j2", {})


def _cjk_literals(tree, skip: set[int]) -> list[str]:
    import ast
    import re

    cjk = re.compile(r"[\u4e00-\u9fff]")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if cjk.search(node.value):
                found.append(node.value)
    return found


def _docstrings(tree) -> set[int]:
    import ast

    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def test_no_wording_in_python_sources():
    """All wording lives in templates: the figures engine and the report builder hold no
    Chinese text, and the tables module only column labels (its ``LABELS``)."""
    import ast

    root = Path(__file__).resolve().parents[1] / "generator"
    for name in ("compute.py", "report.py"):
        tree = ast.parse((root / name).read_text(encoding="utf-8"))
        assert _cjk_literals(tree, _docstrings(tree)) == [], name
    tree = ast.parse((root / "tables.py").read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") in ("LABELS", "_DIGITS") for t in node.targets):
            skip |= {id(n) for n in ast.walk(node)}
    assert _cjk_literals(tree, skip) == []


def test_no_wording_in_the_checks():
    """The checks hold no wording either: every message is a format string of the one table
    ``TEXT`` in generator/checks.py.  Documentation is exempt — docstrings (of functions,
    classes and attributes) and the rule descriptions assigned to ``__doc__`` or declared as
    ``doc=`` and ``basis=`` (依据), which docs/checks.md is generated from."""
    import ast

    tree = ast.parse((Path(__file__).resolve().parents[1] / "generator" / "checks.py").read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            skip.add(id(node.value))  # attribute docstrings
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(getattr(t, "id", "") == "TEXT" or getattr(t, "attr", "") == "__doc__" for t in targets):
                skip |= {id(n) for n in ast.walk(node)}
        if isinstance(node, ast.keyword) and node.arg in ("doc", "basis"):
            skip |= {id(n) for n in ast.walk(node)}
    assert _cjk_literals(tree, skip) == []


def test_check_terms_come_from_one_model_path():
    """A figure of a rule (``Term``) is made only by ``Term.at`` (value, cell and label from one
    model path) or ``Term.absent`` (a missing row): never by hand, so they cannot disagree."""
    import ast

    tree = ast.parse((Path(__file__).resolve().parents[1] / "generator" / "checks.py").read_text(encoding="utf-8"))
    direct = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Term"
    ]
    assert direct == []
    made = [
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", "") == "Term"
    ]
    assert set(made) == {"at", "absent"} and made.count("at") > 50


def test_all_amount_arguments_are_decimal():
    doc = build_document(make_disclosure(**{"procurement.total": Decimal("50.004")}))
    assert "政府采购支出总额50.00万元" in doc.plain_text()
