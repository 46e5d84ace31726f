"""Jinja2 environment for the narrative templates, and the line markup they are written in.

Every sentence of the disclosure lives in ``templates/formats/<格式>/narrative/*.j2``.  A bureau that wants
other wording copies one file into its own directory, edits it, and passes that directory
(``build_document(d, templates_dir=DIR)`` / ``--templates DIR``): files there win over the
packaged ones, name by name.  A file may sit directly in DIR or in ``DIR/narrative/``.

Environment: ``StrictUndefined`` (a misspelt name is an error, not an empty string),
autoescape off (the HTML renderer escapes), ``trim_blocks`` and ``lstrip_blocks`` (a line
holding only ``{% … %}`` leaves no trace).  Filters:

=============  ==================================================================
``money``      an amount in 万元 → ``1,234.56`` (四舍五入 to 0.01)
``money_plain`` the same without thousands separators → ``1234.56``
``pct``        a percentage → ``12.34%`` (sign kept: ``-3.32%``)
``num``        a count or score → shortest exact form (``10``, ``0.8``, ``25.66``)
``clause``     user text without its closing punctuation (to end it with our own ``。``)
``sentence``   user text ending in ``。`` (added when it has no closing punctuation)
``paras``      user text with one paragraph per line
``cn``         a number 1–99 in Chinese numerals (``3`` → ``三``)
=============  ==================================================================

Phrasing helpers (“增加 X 万元，增长 Y%” …) are macros in ``_macros.j2``: Python hands the
templates numbers and signs, the templates choose the words.

Line markup of the rendered text (one construct per line; leading blanks ignored):

==========================  =======================================================
``# text``                  heading level 1 (第X部分); ``##`` level 2 (一、);
                            ``###`` level 3 (（一）); ``####`` level 4
``#! text`` (``##!`` …)     the same heading, left out of the 目录
``@title text``             the document title (``Document.title``; the renderers print it
                            on the first page, so it adds no block)
``@mark text``              the mark of a draft, printed on every page (``Document.mark``;
                            only a draft made with ``--force`` keeps it)
``@toc``                    the 目录, filled from the headings of the whole document (the
                            renderers print the caption “目录” and a page break after it)
``@pagebreak``              a page break
``@table KEY``              a table: ``t01`` … ``t09``, ``perf1``, ``perf2`` … (自评表),
                            ``members`` (部门决算单位构成)
``@table KEY text``         the same table, listed in the 目录 as ``text`` (no paragraph)
``@chart KEY [caption]``    a chart of the figures (:mod:`generator.charts`): ``income``
                            (收入结构), ``expense`` (支出结构); the caption printed under it
                            (default 本年收入结构 …); nothing when all its parts are 0
``@entry KEY text``         a paragraph that the 目录 also lists, pointing at table KEY
``@center text``            a centred paragraph (likewise ``@note``, ``@plain``)
``**term**text``            a paragraph whose leading term is printed bold
``\\text``                   a plain line even if it starts with ``#``, ``@`` or ``*``
any other line              body text; consecutive lines join into one paragraph
                            (without a separator: Chinese has no spaces); a blank
                            line ends the paragraph
==========================  =======================================================

Text inserted with ``{{ … }}`` is never markup: every line of it is marked as plain text,
so a reason that starts with “#” or “@” is printed as it is.  This holds for a macro called
with ``{{ … }}`` too: macros produce body text; headings and ``@`` lines belong in the
template itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import jinja2

from generator.document import Block, Chart, Heading, PageBreak, Paragraph, Table, Toc, TocEntry
from generator.errors import RenderError
from generator.numbers import fmt_money, fmt_percent, q2
from generator.templates_path import packaged_templates

PACKAGE_TEMPLATES = packaged_templates()
"""The packaged templates directory (``templates/`` of the project; inside the installed package in a wheel)."""

NARRATIVE_DIR = PACKAGE_TEMPLATES / "formats" / "乌鲁木齐" / "narrative"
"""The narrative templates of the default format (:data:`generator.formats.DEFAULT_STYLE`)."""

# A control character marks the lines of inserted values as plain text; it is removed from
# every text once the markup has been read.  The input removes control characters from every
# text (generator.inputs), so no text of the data is the mark; a private-use character (the
# mark once was U+E000) may be a 造字 of the data and was lost.
_LITERAL = "\x01"
# what str.splitlines() breaks a line at: an inserted value's lines are the lines the markup
# parser sees, so a LINE SEPARATOR (U+2028, from a web page or Word) cannot start a heading
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_MARKUP_START = ("#", "@", "*", "\\")
_HEADING = re.compile(r"^(#{1,4})(!?)\s+(.+)$")
_BOLD = re.compile(r"^\*\*(.+?)\*\*(.*)$")
_CLOSING = "。．.；;，,、：:！!？?"
_SENTENCE_END = ("。", "！", "？", "!", "?", "；", ";", "…", "”", "）", ")")


# ---------------------------------------------------------------------------- filters


_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 26 → 二十六 (1 ≤ n ≤ 99): the numbers of 一、二、… lists."""
    if not 1 <= n <= 99:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _money(value) -> str:
    return fmt_money(Decimal(value))


def _money_plain(value) -> str:
    return f"{q2(Decimal(value)):.2f}"


def _pct(value) -> str:
    return fmt_percent(Decimal(value))


def _num(value) -> str:
    """``Decimal('10.00')`` → ``10``; ``Decimal('0.80')`` → ``0.8``; ints unchanged."""
    if isinstance(value, int):
        return str(value)
    d = Decimal(value).normalize()
    return f"{d:f}" if d != 0 else "0"


def _clause(text: str) -> str:
    """Strip white space and closing punctuation, so the template can add its own."""
    return str(text).strip().rstrip(_CLOSING).rstrip()


def _sentence(text: str) -> str:
    """Strip white space and end with ``。`` unless the text already ends a sentence."""
    text = str(text).strip()
    if not text or text.endswith(_SENTENCE_END):
        return text
    return text.rstrip("，,、：:") + "。"


def _paras(text: str) -> str:
    """One paragraph per non-empty line of ``text``."""
    return "\n\n".join(line.strip() for line in str(text).splitlines() if line.strip())


def _protect(value):
    """``finalize`` hook: mark every line of an inserted value as plain text."""
    if value is None:
        return ""
    text = _LINE_BREAKS.sub("\n", str(value).replace(_LITERAL, ""))
    if "\n" not in text and not text.lstrip().startswith(_MARKUP_START):
        return text
    lines = text.split("\n")
    return "\n".join(
        _LITERAL + line if line.lstrip().startswith(_MARKUP_START) else line for line in lines
    )


FILTERS: dict[str, Callable] = {
    "money": _money,
    "money_plain": _money_plain,
    "pct": _pct,
    "num": _num,
    "clause": _clause,
    "sentence": _sentence,
    "paras": _paras,
    "cn": cn_numeral,
}


def search_path(templates_dir: Path | None = None, style: str | None = None) -> list[Path]:
    """The directories searched for a template, first match wins: ``templates_dir`` (single
    files replacing those of the format), then the narrative templates of format ``style``."""
    from generator.formats import format_dir

    dirs: list[Path] = []
    if templates_dir is not None:
        templates_dir = Path(templates_dir)
        if (templates_dir / "narrative").is_dir():
            dirs.append(templates_dir / "narrative")
        dirs.append(templates_dir)
    dirs.append(format_dir(style) / "narrative")
    return dirs


def make_environment(templates_dir: Path | None = None, style: str | None = None) -> jinja2.Environment:
    """The narrative environment: ``templates_dir`` first, then the templates of format ``style``
    (the default format when None)."""
    if templates_dir is not None and not Path(templates_dir).is_dir():
        raise RenderError(f"模板目录不存在：{templates_dir}")
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(p)) for p in search_path(templates_dir, style)])
    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_protect,
        extensions=["jinja2.ext.do"],  # {% do list.append(x) %}: build a sentence of the parts stated
    )
    env.filters.update(FILTERS)
    return env


def render_text(env: jinja2.Environment, name: str, context: Mapping) -> str:
    """Render template ``name``; template errors become :class:`RenderError` (in Chinese)."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        searched = "、".join(str(p) for p in _loader_dirs(env))
        raise RenderError(f"找不到模板 {exc.name}（已查找：{searched}）") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"模板 {exc.filename or exc.name} 第 {exc.lineno} 行语法错误：{exc.message}") from exc
    except jinja2.UndefinedError as exc:
        raise RenderError(f"模板 {name} 使用了未定义的名称：{exc.message}") from exc


def _loader_dirs(env: jinja2.Environment) -> list[str]:
    dirs: list[str] = []
    loader = env.loader
    for sub in getattr(loader, "loaders", [loader]):
        dirs.extend(getattr(sub, "searchpath", []))
    return dirs


# ---------------------------------------------------------------------------- markup


class MarkupError(RenderError):
    """A markup line the parser cannot use; ``line`` is the line as rendered (the caller
    finds the template file and line it came from, :func:`locate_line`)."""

    def __init__(self, message: str, line: str) -> None:
        super().__init__(message)
        self.line = line

    def placed(self, env: jinja2.Environment) -> RenderError:
        """The error with the template file and line it came from, when found."""
        where = locate_line(env, self.line)
        if where is None:
            return RenderError(str(self))
        return RenderError(f"模板 {where[0]} 第 {where[1]} 行“{self.line}”：{self}")


def locate_line(env: jinja2.Environment, line: str) -> tuple[str, int] | None:
    """The template file and line number (1-based) holding ``line`` as written, searched in
    the order the environment loads templates (a bureau's directory first); None when the
    line was composed by template code (``@chart {{ k }}``)."""
    seen: set[str] = set()
    for directory in _loader_dirs(env):
        base = Path(directory)
        if not base.is_dir():
            continue
        for path in sorted(base.glob("*.j2")):
            if path.name in seen:
                continue
            seen.add(path.name)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            for number, source in enumerate(text.splitlines(), start=1):
                if source.strip() == line:
                    return str(path), number
    return None


class MarkupResult:
    """Blocks read from rendered markup, plus the document title if ``@title`` gave one."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.title = ""
        self.mark = ""


def parse_markup(
    text: str, tables: Mapping[str, Table] | None = None, charts: Mapping[str, Chart | None] | None = None
) -> MarkupResult:
    """Turn rendered template text into document blocks (see the module docstring).

    ``tables`` maps the keys of ``@table``/``@entry`` to the tables to insert, ``charts`` the
    keys of ``@chart`` to the charts (``None``: nothing to draw, the line adds nothing).  The
    目录 (``@toc``) is filled from the in-目录 headings and ``@entry`` lines of ``text``.

    Raises :class:`MarkupError` for an unknown ``@`` word, table or chart.
    """
    tables = tables or {}
    charts = charts or {}
    result = MarkupResult()
    blocks = result.blocks
    body: list[str] = []
    toc: Toc | None = None
    toc_items: list[TocEntry] = []
    counter = 0

    def flush() -> None:
        if not body:
            return
        joined = "".join(body)
        body.clear()
        m = _BOLD.match(joined)
        if m:
            blocks.append(Paragraph(_clean(m.group(2)), bold_prefix=_clean(m.group(1))))
        else:
            blocks.append(Paragraph(_clean(joined)))

    def table(key: str) -> Table:
        if key not in tables:
            raise MarkupError(f"模板引用了不存在的表格：{key}（可用：{'、'.join(tables) or '无'}）", line)
        return tables[key]

    def chart(rest: str) -> None:
        from generator.charts import chart_names

        key, _, caption = rest.partition(" ")
        if key not in charts:
            shown = f"“{key}”" if key else "（未写图表名称）"
            raise MarkupError(f"没有这种图表：{shown}；可用的图表：{chart_names()}", line)
        found = charts[key]
        if found is not None:
            caption = _clean(caption)
            blocks.append(replace(found, caption=caption) if caption else found)

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith(_LITERAL):
            body.append(line)
            continue
        if line.startswith("\\"):
            body.append(line[1:])
            continue
        m = _HEADING.match(line)
        if m:
            flush()
            counter += 1
            level, in_toc = len(m.group(1)), not m.group(2)
            heading = Heading(level, _clean(m.group(3)), anchor=f"sec{counter}", in_toc=in_toc)
            blocks.append(heading)
            if in_toc:
                toc_items.append(TocEntry(level, heading.text, heading.anchor))
            continue
        if line.startswith("@"):
            flush()
            word, _, rest = line[1:].partition(" ")
            rest = rest.strip()
            if word == "title":
                result.title = _clean(rest)
            elif word == "mark":
                result.mark = _clean(rest)
            elif word == "toc":
                toc = Toc()
                blocks.append(toc)
            elif word == "pagebreak":
                blocks.append(PageBreak())
            elif word == "chart":
                chart(rest)
            elif word == "table":
                key, _, label = rest.partition(" ")
                target = table(key)
                blocks.append(target)
                if label.strip():
                    toc_items.append(TocEntry(2, _clean(label), target.anchor or key))
            elif word == "entry":
                key, _, label = rest.partition(" ")
                target = table(key)
                if blocks and isinstance(blocks[-1], Paragraph) and blocks[-1].style == "plain":
                    blocks[-1].keep_next = True  # the list of tables stays on one page
                blocks.append(Paragraph(_clean(label), style="plain"))
                toc_items.append(TocEntry(2, _clean(label), target.anchor or key))
            elif word in ("center", "note", "plain"):
                blocks.append(Paragraph(_clean(rest), style=word))
            else:
                raise MarkupError(f"模板中无法识别的标记：{line}", line)
            continue
        body.append(line)
    flush()
    if toc is not None:
        toc.entries = [e for e in toc_items if e.level <= 3]
    return result


def _clean(text: str) -> str:
    return text.replace(_LITERAL, "").strip()
