"""The command line: parse arguments, call the pipeline, print results, map them to exit codes.

    juesuan-gen WORKBOOK_OR_FOLDER... [-o DIR] [--overwrite]
                                                         DOCX and PDF of each unit (a file in DIR
                                                         changed since written, or not written by
                                                         this program, is kept unless --overwrite)
    juesuan-gen --template OUT.xlsx [--from DATA.json | --previous LAST] [--overwrite]
                                                         the standard workbook: blank, filled, or
                                                         next year's prefilled from last year's
    juesuan-gen --check [--json] [--previous LAST] [--report R.xlsx [--overwrite]] WORKBOOK...
                                                         validate only (R: the workbook, problems marked)
    juesuan-gen --dump-json WORKBOOK                     print the data as JSON
    juesuan-gen --consolidate UNIT... --name 部门 -o OUT.xlsx [--force] [--overwrite]
                                                         a department's workbook summed from its units

Exit codes: 0 all fine (warnings allowed), 1 data errors (a check failed, or a document
could not be rendered), 2 unreadable input or wrong usage.

Results go to stdout, errors and failures to stderr.  The help frame and usage errors are in
Chinese (:mod:`generator.clikit`).  To add an option: one ``@option(...)`` line with its
``section`` and the ``modes`` it belongs to, a parameter of :func:`run`, and its use in the
``_do_…`` function of its mode.
"""

from __future__ import annotations

import json
import logging
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from generator import __version__
from generator.clikit import ChineseCommand, Count, PathText, given, option, refuse, refuse_out_of_mode
from generator.errors import Finding, JuesuanError, Severity
from generator.numbers import fmt_money, q2
from generator.pipeline import (
    BuildOptions,
    Renderers,
    Status,
    UnitResult,
    check_file,
    discover,
)
from generator.render.registry import UnknownFormat, default_formats, format_names, get_format, parse_formats


def _console(stderr: bool = False) -> Console:
    """A console; when output goes to a file or pipe, lines are not cut (tables are 160 wide)."""
    probe = Console(stderr=stderr)
    terminal = probe.is_terminal
    return Console(stderr=stderr, highlight=False, width=None if terminal else 160, soft_wrap=not terminal)


out = _console()
err = _console(stderr=True)

# Help sections, in the order --help lists them.
S_BUILD, S_CHECK, S_DATA, S_OTHER = "生成文件", "检查", "标准工作簿与数据", "其他选项"

EXAMPLES = f"""\
示例（财务人员的三个步骤）：
  1. 取得空白标准工作簿，按其中“填表说明”填写：
       juesuan-gen --template 我单位2024年决算.xlsx
  2. 检查勾稽关系，按提示改正工作簿：
       juesuan-gen --check 我单位2024年决算.xlsx
  3. 生成公开说明（DOCX 和 PDF，写到 output 文件夹）：
       juesuan-gen 我单位2024年决算.xlsx
  主管部门批量生成整个文件夹：
       juesuan-gen 各单位工作簿/ -o 公开文件/ --jobs 2
  主管部门由各单位工作簿汇总出部门决算工作簿：
       juesuan-gen --consolidate 各单位工作簿/ --name 某某局 -o 某某局2024年部门决算.xlsx

退出码：0 成功（可有警告）；1 数据有错误或生成失败；2 文件无法读取或用法错误。
版本 {__version__}。"""


_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTE: "dim"}


#: 提示 listed one by one even without ``--verbose``: the year's data is another year's.
ALWAYS_SHOWN_NOTES = frozenset({"year.fallback"})


def _shown(result: UnitResult, verbose: bool) -> list[Finding]:
    """The findings listed one by one: 错误, 警告, and 提示 only with ``--verbose`` (except
    :data:`ALWAYS_SHOWN_NOTES`)."""
    notes = result.notes if verbose else [f for f in result.notes if f.rule in ALWAYS_SHOWN_NOTES]
    return result.errors + result.warnings + notes


def _notes_summary(result: UnitResult, verbose: bool) -> list[str]:
    """The 提示 not listed, summed up: one line for the rounding tails (per unit of measure)."""
    if verbose or not result.notes:
        return []
    lines = []
    tails: dict[str, list[Finding]] = {}
    others = 0
    for f in result.notes:
        if f.rule in ALWAYS_SHOWN_NOTES:
            continue
        if f.difference is not None:
            tails.setdefault(f.unit, []).append(f)
        else:
            others += 1
    for unit, notes in tails.items():
        largest = max(f.difference for f in notes if f.difference is not None)
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
            table.add_row(f"[{style}]{f.severity}[/{style}]", escape(f.message), escape("\n".join(f.cells)))
        console.print(table)
    for line in _notes_summary(result, verbose):
        console.print(f"[dim]{Severity.NOTE}[/dim] {escape(line)}")


def _print_findings_compact(result: UnitResult, console: Console, verbose: bool = False) -> None:
    """One line per finding, errors first (for generation runs); 提示 summed up unless ``verbose``."""
    for f in _shown(result, verbose):
        style = _STYLE[f.severity]
        where = f"（{'、'.join(f.cells[:4])}{'…' if len(f.cells) > 4 else ''}）" if f.cells else ""
        console.print(f"  [{style}]{f.severity}[/{style}] {escape(f.message + where)}")
    for line in _notes_summary(result, verbose):
        console.print(f"  [dim]{Severity.NOTE}[/dim] {escape(line)}")


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
    return escape(name)


def _exit_code(results: list[UnitResult]) -> int:
    codes = [r.exit_code for r in results] or [0]
    return 2 if 2 in codes else max(codes)


def _print_detail(result: UnitResult, debug: bool) -> None:
    if debug and result.detail:
        err.print(escape(result.detail.rstrip()))


def _print_skipped(skipped: list[tuple[Path, str]]) -> None:
    for path, reason in skipped:
        err.print(f"[dim]- 跳过 {escape(str(path))}：{escape(reason)}[/dim]")


def check_payload(r: UnitResult) -> dict:
    """One element of ``--check --json`` (the web API answers the same object)."""
    return {
        "file": str(r.source),
        "unit": r.unit_name,
        "status": r.status,
        "message": r.message,
        "errors": len(r.errors),
        "warnings": len(r.warnings),
        "notes": len(r.notes),
        "findings": [f.to_dict() for f in r.findings],
    }


def _do_check(
    paths: list[Path], as_json: bool, threshold: Decimal, debug: bool, strict: bool = False, verbose: bool = False,
    previous: Path | None = None, report: Path | None = None, overwrite: bool = False, style: str | None = None,
) -> int:
    files, skipped = discover(paths, with_skipped=True)
    _print_skipped(skipped)
    if not files:
        err.print("没有找到要检查的工作簿（.xlsx/.xls/.json）")
        return 2
    last = None
    if previous is not None:
        from generator.inputs import load_input

        last = load_input(previous).disclosure
    plan = None
    if report is not None:
        from generator.check_report import ReportRefused, plan_reports

        try:
            plan = plan_reports(files, report, overwrite)
        except ReportRefused as exc:
            err.print(escape(str(exc)))
            return 2
    from generator.fonts import prefetch_coverage

    prefetch_coverage()  # fontconfig answers while the workbooks are read
    results = [check_file(p, threshold, strict, last, style) for p in files]
    if plan is not None:
        code = _write_reports(results, plan)
        if code:
            return code
    if as_json:
        payload = [check_payload(r) for r in results]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        for r in results:
            _print_detail(r, debug)
        return _exit_code(results)
    for r in results:
        console = out if r.exit_code == 0 else err
        console.rule(_label(r))
        if r.message:
            console.print(escape(r.message))
        _print_findings(r, console, verbose)
        blocked = "（--strict：警告与错误一样不通过）" if strict and r.warnings else ""
        console.print(
            f"结果：{r.status}；错误 {len(r.errors)} 条，警告 {len(r.warnings)} 条，提示 {len(r.notes)} 条{blocked}"
        )
        _print_detail(r, debug)
    return _exit_code(results)


def _write_reports(results: list[UnitResult], plan: dict[Path, Path]) -> int:
    """Write the check report of each input (``--report``); messages go to stderr."""
    from generator.check_report import write_report

    code = 0
    for r in results:
        target = plan[r.source]
        if r.status == Status.UNREADABLE and not r.findings:
            err.print(f"{escape(str(r.source))}：无法读取，未写检查结果")
            continue
        try:
            write_report(r.source, r.findings, target, unit=r.unit_name, status=r.status)
        except JuesuanError as exc:
            err.print(f"{escape(str(exc))}；未写检查结果")
            continue
        except OSError as exc:
            err.print(f"无法写出检查结果 {escape(str(target))}：{escape(exc.strerror or str(exc))}")
            code = 2
            continue
        err.print(f"已写出检查结果：{escape(str(target))}")
    return code


def _do_dump_json(paths: list[Path]) -> int:
    from generator.inputs import dump_json, load_input

    if len(paths) != 1:
        err.print("--dump-json 需要且只接受一个工作簿")
        return 2
    loaded = load_input(paths[0])
    sys.stdout.write(dump_json(loaded.disclosure) + "\n")
    return 0


def _do_consolidate(paths: list[Path], name: str, target: Path, force: bool, overwrite: bool) -> int:
    from generator.consolidate import consolidate, load_units
    from generator.workbook import write_template

    if target.suffix.lower() != ".xlsx":
        err.print(f"部门工作簿的文件名应以 .xlsx 结尾：{escape(str(target))}")
        return 2
    if target.is_dir():
        err.print(f"{escape(str(target))} 是一个文件夹：请给出要写出的 .xlsx 文件名")
        return 2
    if target.exists() and not overwrite:
        err.print(f"{escape(str(target))} 已存在，未改动。要用新的部门工作簿替换它，请加 --overwrite；或换一个文件名。")
        return 2
    units = load_units(paths, force=force)
    result = consolidate(name, units)
    write_template(target, result.disclosure, hints=result.hints)
    d = result.disclosure
    out.print(
        f"已写出{escape(name)} {d.unit.year} 年度部门决算工作簿：{escape(str(target))}（汇总 {len(units)} 个单位："
        f"{escape('、'.join(m.name for m in d.unit.members))}）"
    )
    if name not in {m.name for m in d.unit.members}:
        out.print(f"[dim]提示[/dim] 没有与部门同名的本级单位工作簿：单位性质、主要职能请在“单位信息”表中核对填写")
    out.print("[dim]提示[/dim] 变动原因和说明文字留空，请主管部门填写；各单位填写的内容在对应单元格的批注中")
    return 0


def _do_template(target: Path, source: Path | None, previous: Path | None = None, overwrite: bool = False) -> int:
    from generator.inputs import load_input
    from generator.workbook import write_template

    if target.suffix.lower() != ".xlsx":
        err.print(f"模板文件名应以 .xlsx 结尾：{escape(str(target))}")
        return 2
    if target.is_dir():
        err.print(f"{escape(str(target))} 是一个文件夹：请给出要写出的 .xlsx 文件名")
        return 2
    if source is not None and previous is not None:
        err.print("--from 与 --previous 只能用其一：--from 按数据填写本年工作簿，--previous 按上年工作簿预填下一年")
        return 2
    if target.exists() and not overwrite:
        err.print(
            f"{escape(str(target))} 已存在，未改动。要用新的工作簿替换它，请加 --overwrite；"
            "或换一个文件名（空白工作簿与填好的工作簿请用不同的文件名）。"
        )
        return 2
    if previous is not None:
        from generator.carryover import next_year_template

        loaded = load_input(previous)
        changes = next_year_template(target, loaded.disclosure)
        last = loaded.disclosure.unit.year
        out.print(
            f"已写出 {last + 1} 年度标准工作簿：{escape(str(target))}（单位信息和上年决算数取自 {escape(str(previous))}）"
        )
        if changes:
            out.print(f"[dim]提示[/dim] {last} 年与 {last + 1} 年分类科目数据中编码或名称不同的科目（已列入“填表说明”）：")
            for line in changes:
                out.print(f"  {escape(line)}")
        return 0
    data = load_input(source).disclosure if source is not None else None
    target.parent.mkdir(parents=True, exist_ok=True)
    write_template(target, data)
    what = f"已按 {source} 填写" if source else "空白"
    out.print(f"已写出{escape(what)}标准工作簿：{escape(str(target))}")
    return 0


def _result_line(r: UnitResult, said: set[str], verbose: bool = False) -> None:
    """Print one unit's result as soon as it is finished: successes on stdout, the rest on stderr."""
    label = _label(r)
    files = "、".join(escape(str(p)) for p in r.outputs)
    duplicate = (
        f"\n  [yellow]重复[/yellow] 与 {escape(r.duplicate_of.name)} 是同一单位同一年度的工作簿，"
        "请核对应以哪个为准（汇总表的合计只计一次）"
        if r.duplicate_of is not None
        else ""
    )
    console = out
    if r.status == Status.SKIPPED:
        out.print(f"- {label}：{r.status}")
    elif r.status in (Status.OK, Status.WARNINGS):
        out.print(f"[green]✓[/green] {label} → {files}{duplicate}")
    elif r.status == Status.CHECKS_FAILED and r.outputs:  # --force
        console = err
        why = "检查有错误" if r.errors else "有警告（--strict）"
        err.print(f"[yellow]![/yellow] {label}（{why}，已强制生成草稿）→ {files}{duplicate}")
    else:
        console = err
        written = f"；已写出 {files}" if r.outputs else ""
        status = "" if r.message.startswith(r.status) else f"{r.status}。"
        err.print(f"[red]✗[/red] {label}：{status}{escape(r.message)}{written}{duplicate}")
    for notice in r.notices:
        console.print(f"  [yellow]提示[/yellow] {escape(notice)}")
    _print_findings_compact(r, console, verbose)
    _print_placeholders(r, console)
    for note in r.render_notes:
        if note not in said:
            console.print(f"  [yellow]提示[/yellow] {escape(note)}")


def _do_build(
    paths: list[Path], options: BuildOptions, jobs: int | None, debug: bool, verbose: bool = False,
    scheduler: str | None = None,
) -> int:
    files, skipped = discover(paths, with_skipped=True)
    _print_skipped(skipped)
    if not files:
        err.print("没有找到要处理的工作簿（.xlsx/.xls/.json）")
        return 2
    if scheduler is None:
        return _build_here(files, skipped, options, jobs, debug, verbose)
    from generator.cluster import Cluster, ClusterError

    try:
        cluster = Cluster(scheduler)
    except ClusterError as exc:
        err.print(f"[red]✗[/red] {escape(str(exc))}")
        return exc.exit_code
    with cluster:
        err.print(f"在 Dask 集群 {escape(cluster.address)} 上生成（{cluster.threads()} 个工作线程）")
        return _build_here(files, skipped, options, jobs, debug, verbose, cluster)


def _build_here(files, skipped, options: BuildOptions, jobs: int | None, debug: bool, verbose: bool,
                cluster=None) -> int:
    """Build ``files`` in this process, its pool, or on ``cluster``; print results and the summary."""
    from generator.batch import alone, run_batch

    said: set[str] = set()
    options = alone(options, len(files), jobs, cluster)
    renderers = Renderers(options)  # used in this process when one job renders everything
    error, notes = renderers.preflight() if cluster is None else cluster.preflight(options)
    if error:  # before any rendering: never a PDF of boxes
        err.print(escape(error))
        return 1
    for note in notes:
        err.print(f"[yellow]提示[/yellow] {escape(note)}")
    said.update(notes)

    def show(result: UnitResult) -> None:
        _result_line(result, said, verbose)
        _print_detail(result, debug)

    results = run_batch(files, options, jobs=jobs, console=err, renderers=renderers, on_result=show,
                        cluster=cluster)
    if len(results) > 1:
        _summarize(results, options, skipped)
    return _exit_code(results)


def _summarize(results: list[UnitResult], options: BuildOptions, skipped: list[tuple[Path, str]]) -> None:
    from generator.summary import SUMMARY_NAME, summary_rows, write_summary

    table = Table(title="汇总", show_lines=False)
    for col in ("文件", "单位", "状态", "错误", "警告", "收入总计", "支出总计"):
        table.add_column(col, justify="right" if col in ("错误", "警告", "收入总计", "支出总计") else "left")
    for row in summary_rows(results):
        income, expense = row[8], row[9]
        status = f"{row[3]}（重复）" if row[-1] != "是" else row[3]
        table.add_row(*(escape(str(v)) for v in (row[0], row[1], status)), str(row[4]), str(row[5]),
                      f"{income:,.2f}" if isinstance(income, Decimal) else "",
                      f"{expense:,.2f}" if isinstance(expense, Decimal) else "")
    out.print(table)
    ok = sum(1 for r in results if r.exit_code == 0)
    failed = len(results) - ok
    duplicates = sum(1 for r in results if r.duplicate_of is not None)
    also = f"，其中 {duplicates} 个与其他工作簿是同一单位" if duplicates else ""
    line = f"共 {len(results)} 个工作簿{also}：成功 {ok} 个，失败 {failed} 个。"
    from generator.written import FileKept, replacing

    path = options.out_dir / SUMMARY_NAME
    try:
        with replacing(path, options.overwrite) as staged:  # an edited 汇总表 is kept like any output
            write_summary(results, staged)
    except FileKept as exc:
        (err if failed else out).print(line)
        err.print(f"[red]✗[/red] 未写出汇总表：{escape(str(exc))}")
        return
    except OSError as exc:
        from generator.failures import environment_message

        (err if failed else out).print(line)
        err.print(f"[red]✗[/red] 未能写出汇总表：{escape(environment_message(exc))}")
        return
    (err if failed else out).print(f"{line}汇总表：{escape(str(path))}")


_CONFLICTING_MODES = (
    ("template", "--template"),
    ("check", "--check"),
    ("dump_json", "--dump-json"),
    ("consolidate", "--consolidate"),
)


@click.command(
    "juesuan-gen",
    cls=ChineseCommand,
    usage_args="[选项] [工作簿或文件夹]...",
    examples=EXAMPLES,
    sections=(S_BUILD, S_CHECK, S_DATA, S_OTHER),
    help="单位决算公开说明生成工具：由标准工作簿（.xlsx/.xls）或同结构的 JSON 文件生成决算公开说明（DOCX 和 PDF）。\n"
    "工作簿或文件夹可以给多个；文件夹中的 .xlsx、.xls、.json 都会处理。",
)
@click.argument("paths", nargs=-1, type=PathText(), metavar="[工作簿或文件夹]...")
@option("-o", "--output", type=PathText(), metavar="文件夹", section=S_BUILD, modes={"build", "consolidate"},
        help="输出文件夹（默认：output）；与 --consolidate 同用时是部门工作簿的文件名")
@option("--format", "formats", metavar="格式", section=S_BUILD, modes={"build"},
        help="输出格式，多个用逗号分隔（默认：" + ",".join(default_formats()) + "）。可用："
        + "、".join(f"{n}（{get_format(n).label}）" for n in format_names()))
@option("--force", is_flag=True, section=S_BUILD, modes={"build", "consolidate"},
        help="检查有错误时仍然生成（请先核对）；与 --consolidate 同用时检查有错误的单位也汇总")
@option("-j", "--jobs", type=Count(1), metavar="数目", section=S_BUILD, modes={"build"},
        help="同时处理的单位数（默认：全部处理器核心）")
@option("--scheduler", metavar="地址", section=S_BUILD, modes={"build"},
        help="在已运行的 Dask 集群上批量生成（调度器地址，如 tcp://192.168.1.10:8786；需安装 juesuan-gen[dask]）")
@option("--skip-existing", is_flag=True, section=S_BUILD, modes={"build"},
        help="输出文件已存在的单位跳过（中断后续跑）")
@option("--templates", "templates_dir", type=PathText(), metavar="文件夹", section=S_BUILD, modes={"build"},
        help="自定义措辞模板文件夹（同名文件覆盖内置模板）")
@option("--style", metavar="格式名", section=S_BUILD, modes={"build", "check"},
        help="公开格式（templates/formats/ 下的文件夹名，如 乌鲁木齐），代替工作簿“单位信息”中所选的格式")
@option("--font-dir", type=PathText(), metavar="文件夹", section=S_BUILD, modes={"build"},
        help="PDF 使用此文件夹中的字体（如本单位的仿宋_GB2312）")
@option("--pdf-variant", metavar="标准", section=S_BUILD, modes={"build"},
        help="PDF 按此标准写出：pdf/a-3b（长期存档）或 pdf/ua-1（无障碍，带结构标签）")
@option("--check", is_flag=True, section=S_CHECK, modes={"check"}, help="只检查勾稽关系，不生成文件")
@option("--json", "as_json", is_flag=True, section=S_CHECK, modes={"check"},
        help="与 --check 同用：以 JSON 输出检查结果")
@option("--report", type=PathText(), metavar="文件.xlsx", section=S_CHECK, modes={"check"},
        help="写出标注了问题的工作簿副本（检查多个工作簿时给一个文件夹）")
@option("--reason-threshold", metavar="万元", section=S_CHECK, modes={"build", "check"},
        help="变动超过此金额而未填原因时才警告（默认 0：有变动即提示）")
@option("--strict", is_flag=True, section=S_CHECK, modes={"build", "check"},
        help="警告与错误一样：检查不通过，不生成文件")
@option("--verbose", is_flag=True, section=S_CHECK, modes={"build", "check"},
        help="逐条列出提示（如四舍五入造成的合计差额），不合为一行")
@option("--template", type=PathText(), metavar="文件.xlsx", section=S_DATA, modes={"template"},
        help="写出标准工作簿到此文件（空白，或按 --from 填好）")
@option("--from", "from_", type=PathText(), metavar="数据", section=S_DATA, modes={"template"},
        help="与 --template 同用：按此 JSON 或工作簿的数据填写")
@option("--previous", type=PathText(), metavar="上年数据", section=S_DATA, modes={"template", "check"},
        help="上年的工作簿或 JSON：与 --template 同用时按它预填下一年的工作簿，与 --check 同用时核对上年决算数")
@option("--overwrite", is_flag=True, section=S_DATA, modes={"template", "check", "consolidate", "build"},
        help="替换已有的文件：--template、--check --report、--consolidate 的目标文件已存在时不加则不写；"
             "生成时，输出文件夹中上次生成后被修改过（或不是本程序生成）的同名文件不加则不替换")
@option("--year-data", type=PathText(), metavar="文件夹", section=S_DATA,
        help="年度分类科目数据文件夹（其中的 <年度>.toml 优先于内置数据）")
@option("--dump-json", is_flag=True, section=S_DATA, modes={"dump"}, help="以 JSON 打印工作簿中的全部数据")
@option("--consolidate", is_flag=True, section=S_DATA, modes={"consolidate"},
        help="由所给各单位的工作簿汇总出部门决算工作簿（与 --name、-o 同用）")
@option("--name", "dept_name", metavar="部门名称", section=S_DATA, modes={"consolidate"},
        help="与 --consolidate 同用：部门名称（本级单位的工作簿与部门同名）")
@option("--debug", is_flag=True, section=S_OTHER, help="出现程序内部错误时显示技术细节（供维护人员排查）")
@option("--version", is_flag=True, section=S_OTHER, help="显示版本并退出")
@click.pass_context
def app(
    ctx: click.Context,
    paths: tuple[Path, ...],
    output: Path | None,
    formats: str | None,
    force: bool,
    jobs: int | None,
    skip_existing: bool,
    scheduler: str | None,
    templates_dir: Path | None,
    style: str | None,
    font_dir: Path | None,
    pdf_variant: str | None,
    check: bool,
    as_json: bool,
    report: Path | None,
    reason_threshold: str | None,
    strict: bool,
    verbose: bool,
    template: Path | None,
    from_: Path | None,
    previous: Path | None,
    overwrite: bool,
    year_data: Path | None,
    dump_json: bool,
    consolidate: bool,
    dept_name: str | None,
    debug: bool,
    version: bool,
) -> int:
    """The command: choose the mode, refuse what does not belong to it, run it."""
    if version:
        out.print(f"juesuan-gen {__version__}")
        return 0
    chosen_modes = [flag for name, flag in _CONFLICTING_MODES if given(ctx, name)]
    if len(chosen_modes) > 1:
        refuse(ctx, f"{' 与 '.join(chosen_modes)} 不能同时使用：一次只做一件事（写模板、检查或导出 JSON）")
    mode = (
        "template" if template else "check" if check else "dump" if dump_json
        else "consolidate" if consolidate else "build"
    )
    refuse_out_of_mode(ctx, mode, chosen_modes[0] if chosen_modes else None)
    if mode == "template" and paths:
        refuse(ctx, "用 --template 写标准工作簿时不需要给出工作簿；要按已有数据填写，请用 --from 数据文件")
    if mode != "template" and not paths:
        refuse(ctx, "请给出工作簿、JSON 文件或文件夹")
    threshold = Decimal(0)
    if reason_threshold is not None:
        try:
            threshold = Decimal(reason_threshold.strip())
        except InvalidOperation:
            refuse(ctx, f"--reason-threshold 应为金额（万元），实为“{reason_threshold}”")
        if not threshold.is_finite() or threshold < 0:
            refuse(ctx, f"--reason-threshold 应为不小于 0 的金额（万元），实为“{reason_threshold}”")
    if pdf_variant is not None:
        from generator.render.pdf import PDF_VARIANTS

        pdf_variant = pdf_variant.strip().lower()
        if pdf_variant not in PDF_VARIANTS:
            refuse(ctx, f"--pdf-variant 只能是 {'、'.join(PDF_VARIANTS)}，实为“{pdf_variant}”")
    try:
        chosen = parse_formats(formats if formats is not None else ",".join(default_formats()))
    except UnknownFormat as exc:
        refuse(ctx, f"--format：{exc}")
    if scheduler is not None:
        from generator.cluster import ClusterError, check_address

        if jobs is not None:
            refuse(ctx, "--jobs 与 --scheduler 不能同时使用：在集群上同时处理的单位数由各工作进程的线程数决定")
        try:
            scheduler = check_address(scheduler)
        except ClusterError as exc:
            refuse(ctx, str(exc))
    if style is not None:
        from generator.formats import known_styles, style_error

        style = style.strip()
        if style not in known_styles():
            refuse(ctx, f"--style：{style_error(style)}")
    out_dir = output if output is not None else Path("output")
    if mode == "consolidate" and (not dept_name or not dept_name.strip() or output is None):
        refuse(ctx, "--consolidate 需要 --name 部门名称 和 -o 部门工作簿.xlsx")
    if mode == "build" and out_dir.exists() and not out_dir.is_dir():
        refuse(ctx, f"-o {out_dir} 是一个已有的文件，不是文件夹：请给出输出文件夹的名称")
    try:
        if year_data is not None:
            from generator.yeardata import use_year_dir

            use_year_dir(year_data)
        if mode == "template":
            assert template is not None
            return _do_template(template, from_, previous, overwrite)
        if mode == "dump":
            return _do_dump_json(list(paths))
        if mode == "consolidate":
            assert dept_name is not None and output is not None
            return _do_consolidate(list(paths), dept_name.strip(), output, force, overwrite)
        if mode == "check":
            return _do_check(list(paths), as_json, threshold, debug, strict, verbose, previous, report, overwrite,
                             style=style)
        options = BuildOptions(
            out_dir=out_dir,
            formats=chosen,
            force=force,
            templates_dir=templates_dir,
            font_dir=font_dir,
            pdf_variant=pdf_variant,
            skip_existing=skip_existing,
            overwrite=overwrite,
            reason_threshold=threshold,
            strict=strict,
            style=style,
        )
        return _do_build(list(paths), options, jobs, debug, verbose, scheduler)
    except JuesuanError as exc:
        err.print(escape(str(exc)))
        for f in getattr(exc, "findings", []) or []:
            err.print(f"  {escape(str(f))}")
        return exc.exit_code
    except (KeyboardInterrupt, click.exceptions.Exit):
        raise
    except Exception as exc:  # noqa: BLE001 - a failure outside any unit: a Chinese reason, no traceback
        from generator.failures import describe

        failure = describe(exc)
        err.print(f"[red]✗[/red] {escape(failure.message)}")
        if debug and failure.detail:
            err.print(escape(failure.detail.rstrip()))
        return 2 if failure.kind == "unreadable" else 1


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    # Library log records (WeasyPrint's, the renderers') are not for the clerk: what matters is
    # printed by this module in Chinese.  A NullHandler keeps them off the terminal while the
    # renderers' own handlers (the missing-glyph catcher) still receive them.
    logging.getLogger().addHandler(logging.NullHandler())
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["serve"]:  # the web server has its own options
        from generator.web.cli import main as serve_main

        sys.exit(serve_main(args[1:]))
    app.main(args, prog_name="juesuan-gen")


__all__ = ["Finding", "app", "main"]
