"""Orchestration: input file → model → checks → document → every chosen format.  Never prints.

:func:`build_unit` processes one unit and returns a :class:`UnitResult`; it never raises for
a problem of the unit's own data (that becomes the result's status), so a batch goes on.
Files are written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from generator.errors import Finding, JuesuanError, Severity
from generator.render.registry import RenderSettings, default_formats, get_format, make_renderer
from generator.model import DocumentKind
from generator.sections import load_sections

INPUT_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".json")
#: The formats written by default (from the registry: :mod:`generator.render.registry`).
FORMATS = default_formats()


class Status:
    OK = "成功"
    WARNINGS = "成功（有警告）"
    CHECKS_FAILED = "未通过检查"
    UNREADABLE = "无法读取"
    RENDER_FAILED = "生成失败"
    INTERNAL_ERROR = "程序内部错误"
    SKIPPED = "已存在，跳过"
    KEPT = "未替换已有文件"  # an output file changed since written (or not ours): kept, unit not written


EXIT_OF_STATUS = {
    Status.OK: 0,
    Status.WARNINGS: 0,
    Status.SKIPPED: 0,
    Status.KEPT: 1,
    Status.CHECKS_FAILED: 1,
    Status.RENDER_FAILED: 1,
    Status.INTERNAL_ERROR: 1,
    Status.UNREADABLE: 2,
}


DRAFT_SUFFIX = "（草稿）"
"""Added to the file names of a draft: a document forced past 错误 with ``--force``."""


@dataclass(frozen=True)
class Placeholder:
    """A figure a draft shows as a placeholder: what (上年决算数), of what (收入支出总计), and
    where it belongs in the input (``对比与原因!C5``, or a JSON path)."""

    label: str
    subject: str
    place: str


@dataclass
class RenderedFile:
    """One document written: its format, its path and the notes about it for the user."""

    format: str
    path: Path
    notes: list[str] = field(default_factory=list)


@dataclass
class UnitResult:
    """What happened to one input file."""

    source: Path
    status: str
    unit_name: str = ""
    year: int | None = None
    findings: list[Finding] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    message: str = ""
    key_figures: dict[str, Decimal] = field(default_factory=dict)
    render_notes: list[str] = field(default_factory=list)  # e.g. a font stood in by a fallback
    strict: bool = False  # 警告 block like 错误 (--strict)
    draft: bool = False  # forced past blocking findings: the files carry the 草稿 mark and name
    placeholders: list[Placeholder] = field(default_factory=list)
    detail: str = ""  # technical detail of a failure (a traceback), shown with --debug
    notices: list[str] = field(default_factory=list)  # e.g. a shortened output name
    duplicate_of: Path | None = None  # an earlier input of the same unit and year in this run
    documents: list[RenderedFile] = field(default_factory=list)  # per document written

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.NOTE]

    @property
    def blocking(self) -> list[Finding]:
        """The findings that stop generation: 错误, and 警告 too under ``--strict``."""
        return self.errors + (self.warnings if self.strict else [])

    @property
    def exit_code(self) -> int:
        return EXIT_OF_STATUS.get(self.status, 1)


# Files often found beside the workbooks, and why they are not read.
_SKIP_REASONS = {
    ".et": "WPS 表格格式（.et）不能直接读取：请在 WPS 中另存为 .xlsx",
    ".ett": "WPS 表格模板不能直接读取：请另存为 .xlsx",
    ".ods": "OpenDocument 表格不能直接读取：请另存为 .xlsx",
    ".csv": "CSV 文件不是标准工作簿",
    ".docx": "Word 文档（可能是已生成的公开说明），不是工作簿",
    ".doc": "Word 文档，不是工作簿",
    ".wps": "WPS 文字文档，不是工作簿",
    ".pdf": "PDF 文件（可能是已生成的公开说明），不是工作簿",
}


def _skip_reason(p: Path) -> str | None:
    """Why a file found in a folder is not an input; None when it is one."""
    if p.name.startswith("~$"):
        return "Excel/WPS 打开工作簿时留下的临时锁定文件"
    if p.name.startswith("."):
        return "隐藏文件"
    if p.is_dir():
        return "子文件夹（只处理所给文件夹中的文件，不处理其子文件夹）"
    if p.suffix.lower() not in INPUT_SUFFIXES:
        return _SKIP_REASONS.get(p.suffix.lower(), "不是 .xlsx、.xls 或 .json 文件")
    if not p.is_file():
        return "不是普通文件（命名管道、设备等），不能读取"
    return None


def discover(paths: list[Path], with_skipped: bool = False):
    """Input files named or found in the named folders (not recursive).

    Excel's ``~$`` lock files, hidden files and files of other kinds found in a folder are
    skipped; with ``with_skipped`` the answer is ``(inputs, [(skipped file, reason), …])``.
    A path named explicitly is returned as is (missing, a FIFO …), so its job reports it.
    """
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            for p in sorted(path.iterdir()):
                reason = _skip_reason(p)
                if reason is None:
                    found.append(p)
                elif not p.name.startswith("."):  # hidden files are not worth a line
                    skipped.append((p, reason))
        else:
            found.append(path)
    unique: list[Path] = []
    seen: set[Path] = set()
    for p in found:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return (unique, skipped) if with_skipped else unique


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\ud800-\udfff]')  # and lone surrogates (no file system takes them)

NAME_BYTES = 255
"""The longest file name (in bytes of UTF-8) the usual file systems accept."""

FORMAT_ROOM = 24
"""Bytes kept for what a format adds to the stem: its name suffix and extension (the longest,
``（公开表）.xlsx``, has 20)."""

STEM_BYTES = NAME_BYTES - len("（99）".encode()) - len(DRAFT_SUFFIX.encode()) - FORMAT_ROOM
"""The longest output stem: room is left for the decorations a stem may get (``（2）`` for a
second workbook of a unit, ``（草稿）``) and the longest format decoration."""

_ELLIPSIS = "…"


def cut_to_bytes(text: str, limit: int) -> str:
    """The longest start of ``text`` whose UTF-8 form has at most ``limit`` bytes."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def safe_stem(name: str, limit: int = STEM_BYTES) -> str:
    """A file-name stem from a unit name that cannot leave the output folder and fits the file
    system (``limit`` bytes; a longer name is cut and ends with “…”)."""
    stem = _UNSAFE.sub("_", name).strip().strip(".")
    stem = re.sub(r"\.{2,}", "_", stem)
    if len(stem.encode()) > limit:
        stem = cut_to_bytes(stem, limit - len(_ELLIPSIS.encode())) + _ELLIPSIS
    return stem or "未命名单位"


def _stem_tail(year: int, document: str = "单位") -> str:
    return f"{year}年度{load_sections().document(DocumentKind(document)).name}公开"


def output_stem(unit_name: str, year: int, document: str = "单位") -> str:
    """``<单位名称><年度>年度单位决算公开`` (``部门决算公开`` for a 部门决算: ``document`` is the
    :class:`~generator.model.DocumentKind` value); a unit name too long for a file name is cut
    (the year and 年度单位决算公开 stay), see :func:`stem_shortened`."""
    tail = _stem_tail(year, document)
    return safe_stem(unit_name, STEM_BYTES - len(tail.encode())).rstrip() + tail


def stem_shortened(unit_name: str, year: int) -> bool:
    """True when the output name of this unit had to be cut to fit the file system."""
    full = _UNSAFE.sub("_", unit_name).strip().strip(".")
    return len((full + _stem_tail(year)).encode()) > STEM_BYTES


def key_figures(d) -> dict[str, Decimal]:
    """The figures a bureau's summary shows for each unit (万元)."""
    return {
        "收入总计": d.t01.income_grand_total,
        "支出总计": d.t01.expense_grand_total,
        "财政拨款收入": d.t04.income_total,
        "一般公共预算财政拨款支出": d.t05.totals.total,
        "“三公”经费决算": d.t09.actual.total,
    }


@dataclass
class BuildOptions:
    out_dir: Path = Path("output")
    formats: tuple[str, ...] = FORMATS
    force: bool = False
    templates_dir: Path | None = None
    font_dir: Path | None = None
    skip_existing: bool = False
    overwrite: bool = False  # replace output files changed since this program wrote them (generator.written)
    reason_threshold: Decimal = Decimal(0)
    strict: bool = False  # 警告 block like 错误
    pdf_variant: str | None = None
    style: str | None = None  # --style: the format that replaces the one the workbook names
    # processes laying out a long PDF's parts at once: more than 1 only when this process makes
    # its units one at a time and nothing else here uses the other cores (batch.alone)
    pdf_part_workers: int = 1

    def render_settings(self) -> RenderSettings:
        return RenderSettings(
            templates_dir=self.templates_dir, font_dir=self.font_dir, pdf_variant=self.pdf_variant,
            pdf_part_workers=self.pdf_part_workers,
        )


def load_and_check(path: Path, reason_threshold: Decimal = Decimal(0), previous=None, style: str | None = None):
    """Read one input and run the checks: ``(loaded, findings)``.  Raises JuesuanError.

    ``previous`` (last year's Disclosure) adds the check of every carried 上年决算数; ``style``
    (``--style``) replaces the format the input names (the checks follow the format)."""
    from generator.checks import CheckSettings, run_checks
    from generator.inputs import load_input

    loaded = load_input(path)
    if style:
        from generator.formats import format_dir

        format_dir(style)  # an unknown name is refused, naming the known ones
        loaded.disclosure.unit.style = style
    findings = list(loaded.findings)
    findings += run_checks(
        loaded.disclosure, loaded.sources, CheckSettings(reason_threshold=reason_threshold)
    )
    if previous is not None:
        from generator.carryover import previous_findings

        findings += previous_findings(loaded.disclosure, loaded.sources, previous)
    return loaded, findings


def check_file(path: Path, reason_threshold: Decimal = Decimal(0), strict: bool = False,
               previous=None, style: str | None = None) -> UnitResult:
    """Validate only; with ``strict``, 警告 fail the check like 错误; ``previous`` (last year's
    Disclosure) adds the check of every carried 上年决算数.  Never raises: any failure becomes
    the result's status and message."""
    from generator.failures import guard

    return guard(path, lambda: _check(path, reason_threshold, strict, previous, style)[0])


def _check(path: Path, reason_threshold: Decimal, strict: bool = False, previous=None, style: str | None = None):
    """``(result, loaded or None)`` for one input."""
    try:
        loaded, findings = load_and_check(path, reason_threshold, previous, style)
    except JuesuanError as exc:
        result = _failed(path, exc)
        result.strict = strict
        return result, None
    d = loaded.disclosure
    result = UnitResult(path, Status.OK, d.unit.name, d.unit.year, findings, key_figures=key_figures(d),
                        strict=strict)
    if result.blocking:
        result.status = Status.CHECKS_FAILED
    elif result.warnings:
        result.status = Status.WARNINGS
    return result, loaded


def _failed(path: Path, exc: JuesuanError) -> UnitResult:
    from generator.failures import failed_result

    return failed_result(path, exc)


def kept_result(result: UnitResult, message: str, written: list[Path]) -> UnitResult:
    """``result`` of a unit whose files in the output folder must not be replaced
    (:mod:`generator.written`): only the files already ``written`` are its outputs."""
    result.status = Status.KEPT
    result.outputs = list(written)
    result.documents = [d for d in result.documents if d.path in result.outputs]
    names = "、".join(p.name for p in result.outputs)
    result.message = message + (f"（已写出：{names}）" if names else "")
    return result


def _place(sources, path: tuple) -> str:
    """Where a missing figure belongs: its cell; for a 项 without any comparison entry, the
    sheet where the entry is to be added."""
    if sources.is_json or not path or isinstance(path[-1], str) and path[-1] in ("prior", "budget"):
        return sources.cell(path)
    sheets = [v.split("!")[0] for k, v in sources.places.items() if k[:1] == path[:1] and "!" in v]
    near = [v.split("!")[0] for k, v in sources.places.items() if k[: len(path)] == path and "!" in v]
    sheet = (near or sheets or [""])[0]
    return f"{sheet}（新增此科目的条目）" if sheet else sources.cell(path)


def _refuse_unmarked(document, draft: bool) -> None:
    """A draft must carry its mark; a document that is not a draft must have no gap."""
    from generator.errors import RenderError

    if draft and not document.mark:
        raise RenderError("措辞模板没有给出草稿标记（document.j2 中的“@mark 草稿”），不能生成草稿")
    if document.placeholders and not draft:
        shown = "、".join(f"{m.subject}的{m.label}" for m in document.placeholders[:5])
        more = "等" if len(document.placeholders) > 5 else ""
        raise RenderError(
            f"数据缺少 {len(document.placeholders)} 个说明需要的数字（{shown}{more}），不能生成正式文件；"
            "请补齐后再生成，或加 --force 生成草稿"
        )


class Renderers:
    """Renderers kept for the life of a process: fonts and templates are loaded once.

    ``renderers.get("pdf")`` makes the registered renderer of that format on first use."""

    def __init__(self, options: BuildOptions):
        self.options = options
        self._made: dict[str, object] = {}

    def get(self, name: str):
        if name not in self._made:
            self._made[name] = make_renderer(name, self.options.render_settings())
        return self._made[name]

    @property
    def pdf(self):
        return self.get("pdf")

    def preflight(self) -> tuple[str | None, list[str]]:
        """Before any rendering: ``(why a chosen format cannot be written, notes)``."""
        notes: list[str] = []
        for name in self.options.formats:
            renderer = self.get(name)
            error = getattr(renderer, "font_error", None)
            if error:
                return error, notes
            notes += [n for n in getattr(renderer, "warnings", []) if n not in notes]
        return None, notes


def build_unit(path: Path, options: BuildOptions, renderers: Renderers | None = None,
               stem: str | None = None) -> UnitResult:
    """Read, check and render one unit.  Never raises: whatever goes wrong (unreadable input,
    failed checks, a renderer failure, a full disk, a bug) becomes the result's status and a
    Chinese message, the same in this process and in a worker of a pool.

    ``stem`` is the output file name without suffix (the batch assigns distinct stems when two
    workbooks are of the same unit); by default ``<单位名称><年度>年度单位决算公开``.
    """
    from generator.failures import guard

    return guard(path, lambda: _build_unit(path, options, renderers, stem))


def _build_unit(path: Path, options: BuildOptions, renderers: Renderers | None,
                stem: str | None) -> UnitResult:
    from generator.report import build_document

    result, loaded = _check(path, options.reason_threshold, options.strict, style=options.style)
    if loaded is None:
        return result
    if result.status == Status.CHECKS_FAILED and not options.force:
        if result.errors:
            result.message = f"检查发现 {len(result.errors)} 个错误，未生成文件（核对后可用 --force 强制生成）"
        else:
            result.message = (
                f"检查发现 {len(result.warnings)} 个警告（--strict：警告与错误一样不生成），未生成文件"
            )
        return result
    d = loaded.disclosure
    draft = result.status == Status.CHECKS_FAILED  # and forced: a draft, never a final-looking file
    stem = (stem or output_stem(d.unit.name, d.unit.year, d.unit.document)) + (DRAFT_SUFFIX if draft else "")
    if stem_shortened(d.unit.name, d.unit.year):
        result.notices.append(f"单位名称较长，文件名超过文件系统允许的 {NAME_BYTES} 字节，已截短为“{stem}”")
    elif _UNSAFE.search(d.unit.name):
        result.notices.append(f"单位名称中有文件名不能使用的字符（\\ / : * ? \" < > |），文件名中改为“_”：“{stem}”")
    targets = [
        options.out_dir / f"{stem}{get_format(fmt).name_suffix}{get_format(fmt).suffix}" for fmt in options.formats
    ]
    if options.skip_existing and targets and all(t.exists() for t in targets):
        result.status = Status.SKIPPED
        result.outputs = targets
        return result
    from generator import written

    if not options.overwrite:  # every target checked before any is written: never half a unit
        kept = written.refusal(targets)
        if kept:
            return kept_result(result, kept, [])
    renderers = renderers or Renderers(options)
    staged: dict[Path, Path] = {}
    try:
        options.out_dir.mkdir(parents=True, exist_ok=True)
        document = build_document(d, templates_dir=options.templates_dir, draft=draft)
        _refuse_unmarked(document, draft)
        result.draft = draft
        result.placeholders = [
            Placeholder(m.label, m.subject, _place(loaded.sources, m.path)) for m in document.placeholders
        ]
        from generator.render.outputs import write_documents

        # each file is rendered under a temporary name, then put in place with its record
        staged = {written.new_staging(t): t for t in targets}
        # the PDF is laid out first: the DOCX's 目录 then shows its real page numbers
        for fmt, tmp, notes in write_documents(document, list(zip(options.formats, staged, strict=True)),
                                               renderers.get):
            target = staged[tmp]
            written.put(tmp, target, options.overwrite)
            notes = [n.replace(str(tmp), str(target)).replace(tmp.name, target.name) for n in notes]
            result.documents.append(RenderedFile(fmt, target, notes))
            result.outputs.append(target)
            result.render_notes += [n for n in notes if n not in result.render_notes]
    except written.FileKept as exc:  # changed while this unit was being rendered
        kept_result(result, str(exc), result.outputs)
    except Exception as exc:  # noqa: BLE001 - reported with what was already written
        from generator.failures import failed_result

        failed_result(path, exc, result)
    finally:
        for tmp in staged:
            tmp.unlink(missing_ok=True)
    return result
