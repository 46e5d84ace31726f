"""Characters no font can draw (registered in :data:`generator.checks.CHECKS`).

* ``text.glyphs`` (警告): a text field holds a character that no installed font has — a
  private-use 造字 pasted from a GBK system, an unassigned code point, a rare script.  The
  PDF would show an empty box there, so the renderer refuses to write it; the check names the
  field and its cell before any rendering is tried.  Font coverage is read once per process
  from fontconfig's cache (:func:`generator.fonts.undrawable`).
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum

from pydantic import BaseModel

from generator import fonts
from generator.checks import WARN, CheckContext, _rule, _title
from generator.errors import Finding, Severity
from generator.source import Path

__all__ = ["text_fields"]


def text_fields(
    model: BaseModel, path: Path = (), labels: tuple[str, ...] = ()
) -> Iterator[tuple[Path, str, str]]:
    """``(model path, label, text)`` of every text value of ``model``, in field order.

    The label is the chain of field titles (``对比与原因·收入支出总计·与上年相比变动主要原因``);
    items of a list are counted (``绩效指标第 3 项``)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        label = (*labels, _title(model, name))
        yield from _values(value, (*path, name), label)


def _values(value, path: Path, label: tuple[str, ...]) -> Iterator[tuple[Path, str, str]]:
    if isinstance(value, Enum):
        return
    if isinstance(value, str):
        yield path, "·".join(label), value
    elif isinstance(value, BaseModel):
        yield from text_fields(value, path, label)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            numbered = (*label[:-1], f"{label[-1]}第 {i + 1} 项") if len(value) > 1 else label
            yield from _values(item, (*path, i), numbered)


def _shown(chars: list[str]) -> str:
    return "、".join(f"“{ch}”(U+{ord(ch):04X})" for ch in chars[:10]) + ("等" if len(chars) > 10 else "")


@_rule("text.glyphs", WARN)
def check_glyphs(ctx: CheckContext) -> Iterator[Finding]:
    """文字中有任何已安装字体都不能显示的字符（如从 GBK 系统粘贴来的造字、私用区字符）时警告，指明所在的项目和单元格：PDF 中这些字符会显示为方框，因此无法生成 PDF。

    依据：公开文本须完整可读；字体覆盖范围取自本机 fontconfig。可改用常用字符，或用 --font-dir 提供包含这些字符的字体。
    """
    fields = list(text_fields(ctx.d))
    bad = set(fonts.undrawable("".join(text for _, _, text in fields)))
    if not bad:
        return
    for path, label, text in fields:
        here = sorted({ch for ch in text if ch in bad})
        if here:
            yield Finding(
                Severity.WARNING,
                "text.glyphs",
                f"“{label}”中有任何已安装字体都不能显示的字符：{_shown(here)}。生成的 PDF 会缺字，"
                "因此无法生成 PDF；请改用常用字符，或用 --font-dir 提供包含这些字符的字体",
                ctx.cells(path),
            )
