"""Upload limits: size, type and number of files, and safe unpacking of a .zip.

A .zip is never extracted to disk under its own names: each entry that looks like a workbook is
read into memory (at most ``max_bytes``, counted while decompressing, so a zip bomb stops at
the limit), and only its base name is kept for display.  Folders, hidden files, Excel's lock
files and other types are skipped.

An .xlsx is itself a zip: one whose parts would unpack to more than ``max_unpacked`` bytes (a
zip bomb named .xlsx), or that has more parts than any workbook, is refused before a reader
opens it.  The declared sizes are a true bound: Python's zipfile (and so every reader here)
never returns more bytes of a part than its declared size.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath, PureWindowsPath

from fastapi import UploadFile

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".json")
_CHUNK = 1024 * 1024
MAX_UNPACKED = 256 * 1024 * 1024  # an .xlsx's parts, uncompressed (the samples: 2.6 MB)
MAX_PARTS = 10_000  # parts of one .xlsx (the samples: 26)
NAME_CHARS = 120  # a file name shown and stored (with its suffix)


class UploadProblem(Exception):
    """An upload refused, with a Chinese message and the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def display_name(name: str) -> str:
    """The base name of an uploaded file, whatever its client's path separators."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in base if ch >= " " and ch not in '<>:"|?*\\/').strip()
    if len(base) > NAME_CHARS:  # a very long name is cut in its stem; the suffix stays
        suffix = _suffix(base)
        suffix = suffix if len(suffix) <= 10 else ""
        base = base[: NAME_CHARS - len(suffix) - 1].rstrip() + "…" + suffix
    return base or "未命名文件"


def _suffix(name: str) -> str:
    return PurePosixPath(name.lower()).suffix


def _read_limited(stream, limit: int, what: str) -> bytes:
    buf = io.BytesIO()
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        buf.write(chunk)
        if buf.tell() > limit:
            raise UploadProblem(f"{what} 超过大小上限 {_mb(limit)}", 413)
    return buf.getvalue()


def _kind_ok(name: str, data: bytes, max_unpacked: int = MAX_UNPACKED) -> None:
    suffix = _suffix(name)
    if suffix in (".xlsx", ".xlsm") and not data.startswith(b"PK"):
        raise UploadProblem(f"“{name}”不是有效的 .xlsx 文件（内容不是 Excel 工作簿）", 400)
    if suffix == ".xls" and not data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadProblem(f"“{name}”不是有效的 .xls 文件（内容不是 Excel 97-2003 工作簿）", 400)
    if suffix in (".xlsx", ".xlsm"):
        unpacked_ok(f"“{name}”", data, max_unpacked)


def unpacked_ok(what: str, data: bytes, max_unpacked: int = MAX_UNPACKED) -> None:
    """Refuse an .xlsx whose parts unpack to more than ``max_unpacked`` bytes or that has more
    parts than a workbook has (a zip bomb); ``what`` names it in the message.  One that is no
    zip at all is left to the reader, which reports it as unreadable."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return
    if len(infos) > MAX_PARTS:
        raise UploadProblem(f"{what}含 {len(infos)} 个部件，不是正常的 Excel 工作簿，已拒收", 413)
    unpacked = sum(i.file_size for i in infos)
    if unpacked > max_unpacked:
        raise UploadProblem(f"{what}解压后有 {_mb(unpacked)}，超过上限 {_mb(max_unpacked)}，"
                            "不像是正常的 Excel 工作簿（可能是“压缩炸弹”），已拒收", 413)


def read_upload(file: UploadFile, max_bytes: int, zip_ok: bool,
                max_unpacked: int = MAX_UNPACKED) -> tuple[str, bytes, str]:
    """``(display name, content, suffix)`` of one uploaded workbook; UploadProblem when refused."""
    name = display_name(file.filename or "")
    suffix = _suffix(name)
    allowed = WORKBOOK_SUFFIXES + ((".zip",) if zip_ok else ())
    if suffix not in allowed:
        kinds = "、".join(s for s in allowed if s != ".xlsm")
        raise UploadProblem(f"不支持的文件类型“{suffix or name}”：只接受 {kinds} 文件", 415)
    data = _read_limited(file.file, max_bytes, f"文件“{name}”")
    if not data:
        raise UploadProblem(f"文件“{name}”是空的", 400)
    _kind_ok(name, data, max_unpacked)
    return name, data, suffix


def unpack_many(files: list[UploadFile], max_bytes: int, max_files: int, max_total: int,
                max_unpacked: int = MAX_UNPACKED) -> list[tuple[str, bytes, str]]:
    """Workbooks from several uploaded files and/or .zip archives (each entry counts as a file)."""
    if not files:
        raise UploadProblem("没有收到文件", 400)
    if len(files) > max_files:
        raise UploadProblem(f"一次最多上传 {max_files} 个文件，收到 {len(files)} 个", 413)
    items: list[tuple[str, bytes, str]] = []
    total = 0
    for f in files:
        name, data, suffix = read_upload(f, max_bytes, zip_ok=True, max_unpacked=max_unpacked)
        if suffix == ".zip":
            got = _unzip(name, data, max_bytes, max_files - len(items), max_total - total, max_unpacked)
        else:
            got = [(name, data, suffix)]
        for item in got:
            total += len(item[1])
            items.append(item)
        if len(items) > max_files:
            raise UploadProblem(f"一次最多上传 {max_files} 个工作簿", 413)
    if not items:
        raise UploadProblem("上传的压缩包中没有工作簿（.xlsx/.xls/.json）", 400)
    return items


def _unzip(zip_name: str, data: bytes, max_bytes: int, room: int, total_room: int,
           max_unpacked: int = MAX_UNPACKED) -> list[tuple[str, bytes, str]]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UploadProblem(f"“{zip_name}”不是有效的 .zip 压缩包", 400) from None
    out: list[tuple[str, bytes, str]] = []
    used = 0
    with zf:
        entries = [i for i in zf.infolist() if not i.is_dir()]
        for info in entries:
            raw = info.filename
            if info.flag_bits & 0x800 == 0:  # not flagged UTF-8: Chinese Windows writes GBK names
                try:
                    raw = raw.encode("cp437").decode("gbk")
                except (UnicodeEncodeError, UnicodeDecodeError):
                    pass
            name = display_name(raw)
            parts = PurePosixPath(raw.replace("\\", "/")).parts
            if name.startswith(("~$", ".")) or "__MACOSX" in parts or _suffix(name) not in WORKBOOK_SUFFIXES:
                continue
            if len(out) >= room:
                raise UploadProblem(f"压缩包“{zip_name}”中的工作簿超过一次上传的上限", 413)
            if info.file_size > max_bytes:
                raise UploadProblem(f"压缩包中的“{name}”超过大小上限 {_mb(max_bytes)}", 413)
            try:
                with zf.open(info) as stream:
                    content = _read_limited(stream, min(max_bytes, total_room - used), f"压缩包中的“{name}”")
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError):
                raise UploadProblem(f"压缩包中的“{name}”无法解压（文件损坏或加了密码）", 400) from None
            if _suffix(name) in (".xlsx", ".xlsm"):
                unpacked_ok(f"压缩包中的“{name}”", content, max_unpacked)
            used += len(content)
            out.append((name, content, _suffix(name)))
    return out


class BodyLimit:
    """ASGI middleware: refuse a request body larger than its path's limit (413) before it is parsed.

    ``limits`` maps path prefixes to byte counts (the first match wins); ``default`` is the rest."""

    def __init__(self, app, default: int, limits: dict[str, int] | None = None):
        self.app = app
        self.default = default
        self.limits = limits or {}

    def limit_of(self, path: str) -> int:
        return next((n for prefix, n in self.limits.items() if path.startswith(prefix)), self.default)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit_of(scope.get("path", ""))
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return await _too_large(send, limit)
        seen = 0
        started = False

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _Overflow
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _Overflow:
            if not started:
                await _too_large(send, limit)


class _Overflow(Exception):
    pass


async def _too_large(send, limit: int) -> None:
    import json

    body = json.dumps({"detail": f"上传的内容超过上限 {_mb(limit)}"}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
