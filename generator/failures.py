"""One policy for what goes wrong while a unit is processed: a Chinese reason for every failure.

Whatever happens to one unit — an unreadable file, failed checks, a renderer failure, a full
disk, a bug — :func:`guard` turns it into a :class:`~generator.pipeline.UnitResult` with a
status and a Chinese message, at the same place whether the batch runs in this process or in
a pool.  :func:`describe` says what an exception means for the user and what to do about it:

- conditions of the environment (no permission, disk full, name too long, …) name the file or
  folder and the remedy;
- a file that really cannot be read (a damaged zip, not a workbook) is
  :class:`~generator.errors.InputUnreadable`;
- anything else is a defect of this program: "程序内部错误" plus where to report it; the
  traceback is kept in :attr:`Failure.detail` for ``--debug``.
"""

from __future__ import annotations

import errno
import traceback
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import InputUnreadable, JuesuanError, RenderError

if TYPE_CHECKING:
    from generator.pipeline import UnitResult

REPORT_TO = (
    "这是本程序的缺陷，不是您数据的问题。请把这条信息和所用的工作簿发给本工具的维护人员"
    "（见 README.md“问题反馈”），加 --debug 可显示技术细节"
)

# Libraries that parse an input file: an exception raised inside them is about the file.
_READER_MODULES = ("openpyxl", "xlrd", "zipfile", "zlib", "xml", "lxml", "et_xmlfile", "json")


@dataclass(frozen=True)
class Failure:
    """What an exception means for the user."""

    kind: str  # "environment", "unreadable", "data", "render", "internal"
    message: str
    detail: str = ""  # the traceback, shown with --debug


def _place(exc: OSError) -> str:
    name = exc.filename if exc.filename is not None else exc.filename2
    return str(name) if name is not None else ""


def _folder_of(place: str) -> str:
    if not place:
        return "输出文件夹"
    p = Path(place)
    return str(p if p.is_dir() else p.parent)


def environment_message(exc: OSError) -> str:
    """The Chinese reason and remedy for an operating-system error."""
    place = _place(exc)
    code = exc.errno
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        if place and Path(place).is_file():
            return f"没有读写文件 {place} 的权限：请检查该文件的权限，或确认它没有被其他程序（如 Excel）占用"
        return (f"没有写入文件夹 {_folder_of(place)} 的权限：请换一个输出文件夹（-o），"
                "或请管理员开放该文件夹的写入权限")
    if code == errno.ENOSPC:
        return f"磁盘已满，无法写入 {place or '输出文件'}：请清理磁盘空间或换一个输出文件夹后重新运行"
    if code == getattr(errno, "EDQUOT", -1):
        return f"磁盘配额已用完，无法写入 {place or '输出文件'}：请清理空间或换一个输出文件夹"
    if code == errno.ENAMETOOLONG:
        return f"文件名过长：{place}。请缩短单位名称、文件名或输出文件夹的路径"
    if code == errno.EROFS:
        return f"{_folder_of(place)} 在只读的磁盘上，无法写入：请换一个输出文件夹（-o）"
    if isinstance(exc, FileNotFoundError):
        return f"找不到文件或文件夹：{place}。请检查路径是否写对、文件是否已被移走"
    if isinstance(exc, IsADirectoryError):
        return f"{place} 是一个文件夹，这里需要的是文件"
    if isinstance(exc, NotADirectoryError):
        return f"{place} 不是文件夹：路径中有一部分是文件"
    if code in (errno.EMFILE, errno.ENFILE):
        return "同时打开的文件太多：请用较小的 --jobs 重新运行"
    if code == errno.EIO:
        return f"读写 {place or '文件'} 时磁盘出错：请检查磁盘或网络共享是否正常"
    reason = exc.strerror or type(exc).__name__
    return f"读写 {place or '文件'} 时操作系统报错（{reason}）：请检查该文件夹是否可以写入、磁盘是否正常"


def _raised_in_reader(exc: BaseException) -> bool:
    """True when the innermost frame of ``exc`` is inside a file-parsing library."""
    tb = exc.__traceback__
    module = ""
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        tb = tb.tb_next
    return module.split(".")[0] in _READER_MODULES


def unreadable_reason(exc: BaseException) -> str | None:
    """Why a file could not be read, when ``exc`` says the file itself is damaged; else None."""
    if isinstance(exc, zipfile.BadZipFile | zlib.error):
        return "文件已损坏（不是完整的 .xlsx 压缩包）：请在 Excel 或 WPS 中打开并另存为 .xlsx 后重试"
    if isinstance(exc, UnicodeDecodeError):
        return "文件的编码无法识别：JSON 文件应为 UTF-8 编码"
    if isinstance(exc, OSError):
        return None
    if _raised_in_reader(exc):
        return "文件已损坏或不是 Excel 工作簿，无法读取：请在 Excel 或 WPS 中打开并另存为 .xlsx 后重试"
    return None


def describe(exc: BaseException) -> Failure:
    """The user's view of ``exc``."""
    if isinstance(exc, RenderError):
        return Failure("render", str(exc))
    if isinstance(exc, JuesuanError):
        kind = "unreadable" if isinstance(exc, InputUnreadable) else "data"
        return Failure(kind, str(exc))
    if isinstance(exc, MemoryError):
        return Failure("environment", "内存不足：请关闭其他程序，或用较小的 --jobs 重新运行")
    if isinstance(exc, OSError):
        return Failure("environment", environment_message(exc), _trace(exc))
    reason = unreadable_reason(exc)
    if reason is not None:
        return Failure("unreadable", reason, _trace(exc))
    return Failure("internal", f"程序内部错误（{type(exc).__name__}）。{REPORT_TO}", _trace(exc))


def _trace(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def failed_result(path: Path, exc: BaseException, result: UnitResult | None = None) -> UnitResult:
    """``result`` (or a new one for ``path``) marked failed because of ``exc``.

    Outputs already written stay listed: when the DOCX was written and the PDF failed, the
    result says so."""
    from generator.pipeline import Status, UnitResult

    failure = describe(exc)
    if result is None:
        result = UnitResult(path, Status.UNREADABLE)
        result.findings = list(getattr(exc, "findings", []) or [])
        if failure.kind in ("internal", "environment"):  # the file was readable: name the unit
            from generator.workbook.peek import peek_unit

            unit = peek_unit(path)
            if unit is not None:
                result.unit_name, result.year = unit
    if failure.kind == "unreadable":
        result.status = Status.UNREADABLE
    elif failure.kind == "data":
        result.status = Status.UNREADABLE if getattr(exc, "exit_code", 1) == 2 else Status.CHECKS_FAILED
    elif failure.kind == "internal":
        result.status = Status.INTERNAL_ERROR
    else:
        result.status = Status.RENDER_FAILED
    message = failure.message
    if result.outputs and failure.kind != "data":
        names = "、".join(p.name for p in result.outputs)
        message = f"{message}（已写出：{names}）"
    result.message = message
    result.detail = failure.detail
    return result


def guard(path: Path, work: Callable[[], UnitResult]) -> UnitResult:
    """Run ``work`` for the unit read from ``path``; any exception becomes its failed result."""
    try:
        return work()
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - the one place a unit's failure is caught
        return failed_result(path, exc)
