"""The command line: parse arguments, call the pipeline, print results, map them to exit codes.

    juesuan-gen WORKBOOK_OR_FOLDER... [-o DIR]           DOCX and PDF of each unit
    juesuan-gen --template OUT.xlsx [--from DATA.json]   the standard workbook, blank or filled
    juesuan-gen --check [--json] WORKBOOK...             validate only
    juesuan-gen --dump-json WORKBOOK                     print the data as JSON

Exit codes: 0 all fine (warnings allowed), 1 data errors (a check failed, or a document
could not be rendered), 2 unreadable input or wrong usage.
"""

from __future__ import annotations

import json
import logging
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from generator import __version__
from generator.errors import Finding, JuesuanError, Severity
from generator.numbers import fmt_money, q2
from generator.pipeline import (
    FORMATS,
    BuildOptions,
    Renderers,
    Status,
    UnitResult,
    check_file,
    discover,
)

app = typer.Typer(
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="单位决算公开说明生成工具：由标准工作簿（.xlsx/.xls）或 JSON 生成决算公开说明 DOCX 和 PDF。",
)

def _console(stderr: bool = False) -> Console:
    """A console; when output goes to a file or pipe, lines are not cut at 80 columns."""
    probe = Console(stderr=stderr)
    return Console(stderr=stderr, highlight=False, width=None if probe.is_terminal else 160)


out = _console()
err = _console(stderr=True)


_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTE: "dim"}


def _shown(result: UnitResult, verbose: bool) -> list[Finding]:
    """The findings listed one by one: 错误, 警告, and 提示 only with ``--verbose``."""
    return result.errors + result.warnings + (result.notes if verbose else [])


def _notes_summary(result: UnitResult, verbose: bool) -> list[str]:
    """The 提示 not listed, summed up: one line for the rounding tails (per unit of measure)."""
    if verbose or not result.notes:
        return []
    lines = []
    tails: dict[str, list[Finding]] = {}
    others = 0
    for f in result.notes:
        if f.difference is not None:
            tails.setdefault(f.unit, []).append(f)
        else:
            others += 1
    for unit, notes in tails.items():
        largest = max(f.difference for f in notes)
        shown = fmt_money(largest) if q2(largest) else f"{largest.normalize():f}"
        lines.append(
            f"另有 {len(notes)} 处合计与分项之和相差不超过 {shown} {unit}（四舍五入），加 --verbose 查看"
        )
    if others:
        lines.append(f"另有 {others} 条提示，加 --verbose 查看")
    return lines


def _print_findings(result: UnitResult, console: Console, verbose: bool = False) -> None:
    """The findings as a table (级别, 说明, 位置); 提示 summed up in one line unless ``verbose``."""
    shown = _shown(result, verbose)
    if shown:
        table = Table(show_header=True, header_style="bold", expand=False, show_lines=False)
        table.add_column("级别", no_wrap=True)
        table.add_column("说明", overflow="fold", ratio=4)
        table.add_column("位置", overflow="fold", ratio=1, min_width=12)
        for f in shown:
            style = _STYLE[f.severity]
            table.add_row(f"[{style}]{f.severity}[/{style}]", f.message, "\n".join(f.cells))
        console.print(table)
    for line in _notes_summary(result, verbose):
        console.print(f"[dim]{Severity.NOTE}[/dim] {line}")


def _print_findings_compact(result: UnitResult, console: Console, verbose: bool = False) -> None:
    """One line per finding, errors first (for generation runs); 提示 summed up unless ``verbose``."""
    for f in _shown(result, verbose):
        style = _STYLE[f.severity]
        where = f"（{'、'.join(f.cells[:4])}{'…' if len(f.cells) > 4 else ''}）" if f.cells else ""
        console.print(f"  [{style}]{f.severity}[/{style}] {f.message}{where}", markup=True)
    for line in _notes_summary(result, verbose):
        console.print(f"  [dim]{Severity.NOTE}[/dim] {line}")


def _print_placeholders(result: UnitResult, console: Console) -> None:
    """The figures a draft still lacks: each placeholder with the place it would come from."""
    if not result.draft:
        return
    if not result.placeholders:
        console.print("  草稿中没有待补的数字（每页标有“草稿”：数据有错误，核对改正后重新生成正式文件）")
        return
    console.print(f"  草稿中留有 {len(result.placeholders)} 处待补的数字（补齐后重新生成）：")
    for p in result.placeholders:
        console.print(f"    【待补：{p.label}】{p.subject}，应填在 {p.place}", markup=False)


def _label(result: UnitResult) -> str:
    name = f"{result.unit_name}（{result.source.name}）" if result.unit_name else str(result.source)
    return name


def _exit_code(results: list[UnitResult]) -> int:
    codes = [r.exit_code for r in results] or [0]
    return 2 if 2 in codes else max(codes)


def _do_check(
    paths: list[Path], as_json: bool, threshold: Decimal, strict: bool = False, verbose: bool = False
) -> int:
    files = discover(paths)
    if not files:
        err.print("没有找到要检查的工作簿（.xlsx/.xls/.json）")
        return 2
    results = [check_file(p, threshold, strict) for p in files]
    if as_json:
        payload = [
            {
                "file": str(r.source),
                "unit": r.unit_name,
                "status": r.status,
                "message": r.message,
                "errors": len(r.errors),
                "warnings": len(r.warnings),
                "notes": len(r.notes),
                "findings": [f.to_dict() for f in r.findings],
            }
            for r in results
        ]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return _exit_code(results)
    for r in results:
        out.rule(_label(r))
        if r.message:
            (err if r.status == Status.UNREADABLE else out).print(r.message)
        _print_findings(r, out, verbose)
        blocked = "（--strict：警告与错误一样不通过）" if strict and r.warnings else ""
        out.print(
            f"结果：{r.status}；错误 {len(r.errors)} 条，警告 {len(r.warnings)} 条，提示 {len(r.notes)} 条{blocked}"
        )
    return _exit_code(results)


def _do_dump_json(paths: list[Path]) -> int:
    from generator.inputs import dump_json, load_input

    if len(paths) != 1:
        err.print("--dump-json 需要且只接受一个工作簿")
        return 2
    loaded = load_input(paths[0])
    sys.stdout.write(dump_json(loaded.disclosure) + "\n")
    return 0


def _do_template(target: Path, source: Path | None) -> int:
    from generator.inputs import load_input
    from generator.workbook import write_template

    data = load_input(source).disclosure if source is not None else None
    if target.suffix.lower() != ".xlsx":
        err.print(f"模板文件名应以 .xlsx 结尾：{target}")
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    write_template(target, data)
    what = f"已按 {source} 填写" if source else "空白"
    out.print(f"已写出{what}标准工作簿：{target}")
    return 0


def _do_build(paths: list[Path], options: BuildOptions, jobs: int | None, verbose: bool = False) -> int:
    from generator.batch import run_batch

    files = discover(paths)
    if not files:
        err.print("没有找到要处理的工作簿（.xlsx/.xls/.json）")
        return 2
    said: set[str] = set()
    renderers = Renderers(options)  # used in this process when one job renders everything
    if "pdf" in options.formats:
        preflight = renderers.pdf
        if preflight.font_error:  # before any rendering: never a PDF of boxes
            err.print(preflight.font_error)
            return 1
        for note in preflight.warnings:
            err.print(f"[yellow]提示[/yellow] {note}")
        said.update(preflight.warnings)
    results = run_batch(files, options, jobs=jobs, console=err, renderers=renderers)
    for r in results:
        label = _label(r)
        if r.outputs and r.status in (Status.OK, Status.WARNINGS):
            out.print(f"[green]✓[/green] {label} → " + "、".join(str(p) for p in r.outputs))
        elif r.status == Status.SKIPPED:
            out.print(f"- {label}：{r.status}")
        elif r.outputs:  # forced despite errors
            why = "有错误" if r.errors else "有警告（--strict）"
            out.print(f"[yellow]![/yellow] {label}（{why}，已强制生成草稿）→ " + "、".join(map(str, r.outputs)))
        else:
            out.print(f"[red]✗[/red] {label}：{r.status}。{r.message}")
        _print_findings_compact(r, out, verbose)
        _print_placeholders(r, out)
        for note in r.render_notes:
            if note not in said:
                out.print(f"  [yellow]提示[/yellow] {note}")
    if len(results) > 1:
        from generator.summary import SUMMARY_NAME, summary_rows, write_summary

        table = Table(title="汇总", show_lines=False)
        for col in ("文件", "单位", "状态", "错误", "警告", "收入总计", "支出总计"):
            table.add_column(col, justify="right" if col in ("错误", "警告", "收入总计", "支出总计") else "left")
        for row in summary_rows(results):
            income, expense = row[8], row[9]
            table.add_row(row[0], row[1], row[3], str(row[4]), str(row[5]),
                          f"{income:,.2f}" if income is not None else "", f"{expense:,.2f}" if expense is not None else "")
        out.print(table)
        path = write_summary(results, options.out_dir / SUMMARY_NAME)
        ok = sum(1 for r in results if r.exit_code == 0)
        out.print(f"共 {len(results)} 个单位：成功 {ok} 个，失败 {len(results) - ok} 个。汇总表：{path}")
    return _exit_code(results)


@app.command()
def run(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="工作簿（.xlsx/.xls）、JSON 文件或包含它们的文件夹", show_default=False)
    ] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="输出文件夹")] = Path("output"),
    template: Annotated[
        Path | None, typer.Option("--template", help="写出标准工作簿到此 .xlsx 文件", show_default=False)
    ] = None,
    from_: Annotated[
        Path | None, typer.Option("--from", help="与 --template 同用：按此 JSON/工作簿的数据填写", show_default=False)
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="只检查勾稽关系，不生成文件")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="与 --check 同用：以 JSON 输出检查结果")] = False,
    dump_json: Annotated[bool, typer.Option("--dump-json", help="以 JSON 打印工作簿中的数据")] = False,
    force: Annotated[bool, typer.Option("--force", help="检查有错误时仍然生成")] = False,
    formats: Annotated[str, typer.Option("--format", help="输出格式：docx、pdf 或 docx,pdf")] = "docx,pdf",
    templates_dir: Annotated[
        Path | None, typer.Option("--templates", help="自定义措辞模板目录（同名文件覆盖内置模板）", show_default=False)
    ] = None,
    font_dir: Annotated[
        Path | None, typer.Option("--font-dir", help="字体目录（如本单位的仿宋_GB2312 等字体文件）", show_default=False)
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="并行处理的单位数（默认：全部核心）", show_default=False)
    ] = None,
    skip_existing: Annotated[bool, typer.Option("--skip-existing", help="输出文件已存在的单位跳过（续跑）")] = False,
    reason_threshold: Annotated[
        str, typer.Option("--reason-threshold", help="变动超过此金额（万元）而未填原因时给出警告")
    ] = "0",
    strict: Annotated[bool, typer.Option("--strict", help="警告与错误一样：检查不通过，不生成文件")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", help="逐条列出提示（如四舍五入造成的合计差额），不合为一行")
    ] = False,
    version: Annotated[bool, typer.Option("--version", help="显示版本")] = False,
) -> None:
    """由标准工作簿生成单位决算公开说明（DOCX、PDF）。"""
    if version:
        out.print(f"juesuan-gen {__version__}")
        raise typer.Exit(0)
    paths = list(paths or [])
    try:
        threshold = Decimal(reason_threshold)
    except InvalidOperation:
        err.print(f"--reason-threshold 应为金额，实为“{reason_threshold}”")
        raise typer.Exit(2) from None
    chosen = [f.strip().lower() for f in formats.split(",") if f.strip()]
    if not chosen or any(f not in FORMATS for f in chosen):
        err.print(f"--format 只能是 docx、pdf 或 docx,pdf，实为“{formats}”")
        raise typer.Exit(2)
    try:
        if template is not None:
            code = _do_template(template, from_)
        elif from_ is not None:
            err.print("--from 需与 --template 同用")
            code = 2
        elif not paths:
            err.print("请给出工作簿、JSON 文件或文件夹。用 juesuan-gen --help 查看用法。")
            code = 2
        elif dump_json:
            code = _do_dump_json(paths)
        elif check:
            code = _do_check(paths, as_json, threshold, strict, verbose)
        else:
            options = BuildOptions(
                out_dir=output,
                formats=tuple(f for f in FORMATS if f in chosen),
                force=force,
                templates_dir=templates_dir,
                font_dir=font_dir,
                skip_existing=skip_existing,
                reason_threshold=threshold,
                strict=strict,
            )
            code = _do_build(paths, options, jobs, verbose)
    except JuesuanError as exc:
        err.print(str(exc))
        for f in getattr(exc, "findings", []) or []:
            err.print(f"  {f}")
        code = exc.exit_code
    raise typer.Exit(code)


def main() -> None:
    """Console-script entry point."""
    # Library log records (WeasyPrint's, the renderers') are not for the clerk: what matters is
    # printed by this module in Chinese.  A NullHandler keeps them off the terminal while the
    # renderers' own handlers (the missing-glyph catcher) still receive them.
    logging.getLogger().addHandler(logging.NullHandler())
    try:
        app()
    except KeyboardInterrupt:
        err.print("已中断。")
        sys.exit(130)


__all__ = ["Finding", "app", "main"]
