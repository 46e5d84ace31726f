"""Tests for generator.fonts.

Most tests need the fonts that scripts/setup.sh installs (make test runs it first).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fontkit import make_font

from generator import fonts

REPO = Path(__file__).resolve().parents[1]
ALIAS_CONF = REPO / "templates" / "fonts" / "61-juesuan-aliases.conf"

SAMPLE_TEXT = "2023年度某某市某某局决算公开说明：一般公共预算财政拨款支出12,345.67万元，比上年增长3.5%。"


@pytest.fixture(autouse=True)
def _fresh_caches():
    fonts.clear_caches()
    yield
    fonts.clear_caches()





# ------------------------------------------------------------------------------------ role data


def test_roles_are_the_documented_six():
    assert fonts.ROLE_KEYS == ("title", "heading1", "heading2", "body", "table", "latin")
    expected_docx = {
        "title": "方正小标宋简体",
        "heading1": "黑体",
        "heading2": "楷体_GB2312",
        "body": "仿宋_GB2312",
        "table": "宋体",
        "latin": "Times New Roman",
    }
    assert {k: r.docx_name for k, r in fonts.ROLES.items()} == expected_docx
    assert fonts.ROLES["title"].pdf_families[0] == "Noto Serif CJK SC"
    assert fonts.ROLES["title"].bold
    assert fonts.ROLES["heading1"].pdf_families == ("Noto Sans CJK SC",)
    assert fonts.ROLES["heading2"].pdf_families == ("LXGW WenKai",)
    assert fonts.ROLES["body"].pdf_families == ("FandolFang", "Noto Serif CJK SC")
    assert fonts.ROLES["table"].pdf_families == ("Noto Serif CJK SC",)
    assert fonts.ROLES["latin"].pdf_families == ("Liberation Serif",)


def test_css_stack_puts_latin_then_windows_then_open_fonts():
    stack = fonts.css_font_family("body")
    order = ["Times New Roman", "Liberation Serif", "仿宋_GB2312", "FandolFang", "Noto Serif CJK SC"]
    positions = [stack.index(f'"{name}"') for name in order]
    assert positions == sorted(positions)
    assert stack.endswith(", serif")
    assert fonts.css_font_family("heading1").endswith("sans-serif")
    assert '"Times New Roman"' not in fonts.css_font_family("table", latin_first=False)
    assert fonts.css_font_family("latin") == '"Times New Roman", "Liberation Serif", serif'


def test_docx_rfonts():
    assert fonts.docx_rfonts("body") == {
        "ascii": "Times New Roman",
        "hAnsi": "Times New Roman",
        "cs": "Times New Roman",
        "eastAsia": "仿宋_GB2312",
    }
    assert fonts.docx_rfonts(fonts.ROLES["title"])["eastAsia"] == "方正小标宋简体"
    with pytest.raises(KeyError):
        fonts.docx_rfonts("footnote")


def test_alias_file_matches_roles():
    """templates/fonts/61-juesuan-aliases.conf maps every Windows name to the role's open fonts."""
    tree = ET.parse(ALIAS_CONF)
    aliases: dict[str, list[str]] = {}
    for alias in tree.getroot().iter("alias"):
        assert alias.get("binding") == "same"
        name = alias.findtext("family")
        accepted = [f.text for f in alias.find("accept").iter("family")]
        aliases[name] = accepted
    for role in fonts.ROLES.values():
        names = role.windows_names if role.key != "latin" else (role.docx_name,)
        for name in names:
            if name == "FZXiaoBiaoSong-B05":
                continue  # old English name, recognised in --font-dir only
            assert name in aliases, name
            assert aliases[name][: len(role.pdf_families)] == list(role.pdf_families), name


# ------------------------------------------------------------------------------- system fonts


def test_all_roles_found_on_this_machine():
    found = fonts.find_cjk_fonts()
    assert set(found) == set(fonts.ROLE_KEYS)
    for role, path in found.items():
        assert path is not None, role
        assert path.is_file(), role
    assert found["body"].name == "FandolFang-Regular.otf"
    assert found["title"].name == "NotoSerifCJK-Bold.ttc"
    assert found["heading1"].name.startswith("NotoSansCJK")
    assert found["heading2"].name.startswith("LXGWWenKai")
    assert found["table"].name == "NotoSerifCJK-Regular.ttc"
    assert found["latin"].name == "LiberationSerif-Regular.ttf"


def test_check_fonts_is_clean_after_setup():
    assert fonts.check_fonts() == []


def test_windows_names_resolve_through_fontconfig_aliases():
    match = fonts.fc_match("仿宋_GB2312")
    assert match is not None
    assert match[1] == "FandolFang"
    for role in fonts.ROLES.values():
        got = fonts.fc_match(role.docx_name)
        assert got is not None
        assert got[1] in (*role.pdf_families, *role.windows_names), (role.docx_name, got)


def test_missing_fonts_are_reported_in_chinese(monkeypatch):
    monkeypatch.setattr(fonts, "_system_faces", lambda: ())
    assert all(p is None for p in fonts.find_cjk_fonts().values())
    msgs = fonts.check_fonts()
    assert len(msgs) == len(fonts.ROLES)
    assert (
        "未找到中文字体“仿宋”（FandolFang / 仿宋_GB2312）：请先运行 make setup，或用 --font-dir 指定字体目录"
        in msgs
    )
    assert any(m.startswith("未找到西文字体“Times New Roman”（Liberation Serif") for m in msgs)


def test_fallback_face_is_reported(monkeypatch):
    real = fonts._system_faces()
    without_fandol = tuple(f for f in real if "FandolFang" not in f.families)
    monkeypatch.setattr(fonts, "_system_faces", lambda: without_fandol)
    match = fonts.resolve_fonts()["body"]
    assert match is not None and match.family == "Noto Serif CJK SC" and not match.primary
    msgs = fonts.check_fonts()
    assert len(msgs) == 1
    assert msgs[0].startswith("未找到中文字体“仿宋”")
    assert "暂用 Noto Serif CJK SC 代替" in msgs[0]


# ---------------------------------------------------------------------------------- --font-dir


def test_font_dir_fonts_come_first(tmp_path):
    sub = tmp_path / "公司字体"
    sub.mkdir()
    own = make_font(sub / "FS_GB2312.TTF", "FangSong_GB2312", "一二三决算", zh_name="仿宋_GB2312")
    (tmp_path / "notes.txt").write_text("not a font")
    (tmp_path / "broken.ttf").write_bytes(b"\x00\x01\x00\x00garbage")

    assert "仿宋_GB2312" in fonts.font_family_names(own)
    assert "FangSong_GB2312" in fonts.font_family_names(own)

    found = fonts.find_cjk_fonts(tmp_path)
    assert found["body"] == own
    assert found["heading1"] is not None and found["heading1"].name.startswith("NotoSansCJK")
    match = fonts.resolve_fonts(tmp_path)["body"]
    assert match.source == "font_dir" and match.primary
    assert fonts.check_fonts(tmp_path) == []


def test_font_dir_prefers_bold_for_title(tmp_path):
    regular = make_font(tmp_path / "xbs-r.ttf", "FZXiaoBiaoSong-B05S", "决算", weight=400)
    bold = make_font(tmp_path / "xbs-b.ttf", "FZXiaoBiaoSong-B05S", "决算", weight=700)
    found = fonts.find_cjk_fonts(tmp_path)
    assert found["title"] == bold
    assert found["title"] != regular


def test_missing_font_dir(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(FileNotFoundError):
        fonts.find_cjk_fonts(missing)
    msgs = fonts.check_fonts(missing)
    assert any(m.startswith("字体目录不存在或不是目录") for m in msgs)


# ------------------------------------------------------------------------------------- glyphs


def test_missing_glyphs_with_tiny_font(tmp_path):
    font = make_font(tmp_path / "t.ttf", "Tiny", "一二")
    assert fonts.missing_glyphs("一二 三\n四\u200b", font) == {"三", "四"}


def test_missing_glyphs_with_installed_fonts():
    found = fonts.find_cjk_fonts()
    rare = "\U00020000"  # CJK Extension B, outside GB2312 and the Noto SC subset
    for role in ("body", "title", "table", "heading1", "heading2"):
        assert fonts.missing_glyphs(SAMPLE_TEXT, found[role]) == set(), role
        assert rare in fonts.missing_glyphs(SAMPLE_TEXT + rare, found[role]), role


def test_missing_glyphs_uses_any_face_of_a_collection():
    ttc = fonts.find_cjk_fonts()["table"]
    assert ttc.suffix == ".ttc"
    # 丟 (U+4E1F) is a traditional form; the union of the JP/KR/SC/TC faces covers it
    assert fonts.missing_glyphs("丟决", ttc) == set()


def test_cmap_cache():
    path = fonts.find_cjk_fonts()["body"]
    fonts.missing_glyphs("决", path)
    before = fonts._cmap_codepoints.cache_info()
    fonts.missing_glyphs("算", path)
    after = fonts._cmap_codepoints.cache_info()
    assert after.hits == before.hits + 1
    assert after.misses == before.misses


# ---------------------------------------------------------------------------------- HarfBuzz


def test_harfbuzz_subset_available_after_setup():
    assert fonts.harfbuzz_subset_available() is True
    assert fonts.harfbuzz_subset_warning() is None


def test_harfbuzz_subset_missing(monkeypatch):
    from weasyprint.text import ffi as wp_ffi

    monkeypatch.setattr(wp_ffi, "harfbuzz_subset", None)
    assert fonts.harfbuzz_subset_available() is False
    warning = fonts.harfbuzz_subset_warning()
    assert warning == fonts.HARFBUZZ_SUBSET_WARNING
    assert "libharfbuzz-subset0" in warning and "make setup" in warning
