"""The web application: pages for clerks and the bureau, the JSON API, downloads.

Built on FastAPI (Starlette underneath): the API is described by OpenAPI at ``/docs`` without
extra work, sign-in is one injected dependency for pages and API alike, and Starlette gives the
sessions' cookies, the file uploads and the streaming downloads.  Pages are rendered on the
server from ``templates/web`` (Jinja2) with a little vanilla JavaScript; every asset, Swagger
UI's included, is served by this server (no CDN: it works offline on an intranet).
"""


import logging
import math
import mimetypes
import secrets
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import DataError
from sqlalchemy.exc import InterfaceError as DBInterfaceError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from generator.templates_path import packaged_templates
from generator.web import security
from generator.web.accounts import create_account
from generator.web.clients import TrustedProxy, from_this_machine
from generator.web.config import Settings
from generator.web.db import (
    Account,
    AuditEntry,
    Batch,
    DepartmentWorkbook,
    Submission,
    Unit,
    WebSession,
    open_database,
)
from generator.web.files import FileStore
from generator.web.jobs import JobRunner, QueueFull, attach_report, find_or_create_unit, store_report
from generator.web.metrics import Metrics
from generator.web.offload import Offload, check_with_report
from generator.web.results import (
    STATUS_TEXT,
    as_unit_result,
    check_json,
    check_status,
    counts,
    public_text,
    stored_result,
)
from generator.web.signin_limits import ACCOUNT, LimitedPage, SignInBlocks, limited_message
from generator.web.uploads import BodyLimit, UploadProblem, read_upload, unpack_many

log = logging.getLogger("juesuan.web")

TEMPLATES = packaged_templates() / "web"
STATIC = TEMPLATES / "static"
COOKIE = "jg_session"
PRE_COOKIE = "jg_pre"  # CSRF token of the sign-in form (before there is a session)
TZ = ZoneInfo("Asia/Shanghai")
BUSY = "服务器正忙，生成队列已满，请稍后再试"

FORMAT_NAMES = {"docx": "Word（DOCX）", "pdf": "PDF", "html": "网页（HTML）", "xlsx": "Excel（XLSX）"}


class DepartmentOrder(BaseModel):
    """What the bureau asks for: the year whose units are summed, and the department's name."""

    year: int = Field(description="年度：汇总该年度各单位的当前提交", ge=2000, le=2100)
    name: str = Field(description="部门名称（部门决算工作簿中的单位名称）", min_length=1, max_length=100)


class ApiError(HTTPException):
    """An error with a Chinese message, as JSON for the API and as a page for browsers."""


@dataclass
class Principal:
    account: Account
    session: WebSession | None  # None: signed in by an API token
    token: str = ""

    @property
    def csrf(self) -> str:
        return self.session.csrf if self.session else ""


def local_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=ZoneInfo("UTC")).astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def split_cells(cells: list[str]) -> tuple[str, str]:
    """``(tables, cells)`` for display: ``公开01表!F33`` → ``公开01表`` and ``F33`` (the table
    named once when all cells are in it; otherwise each cell keeps its table)."""
    tables: list[str] = []
    for c in cells:
        t = c.split("!", 1)[0] if "!" in c else ""
        if t and t not in tables:
            tables.append(t)
    if len(tables) == 1:
        shown = [c.split("!", 1)[1] if "!" in c else c for c in cells]
    else:
        shown = list(cells)
    return "、".join(tables), "、".join(shown)


def create_app(settings: Settings) -> FastAPI:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    engine, sessions = open_database(settings.db_url)
    store = FileStore(settings.files_dir)
    metrics = Metrics(sessions)
    formats = settings.output_formats()
    runner = JobRunner(sessions, store, settings.work_dir, formats, workers=settings.workers,
                       queue_limit=settings.queue_limit, on_finished=metrics.job_finished)
    offload = Offload(settings.check_workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        runner.start()
        offload.start()
        try:
            yield
        finally:
            runner.stop()
            offload.stop()
            engine.dispose()

    app = FastAPI(
        title="单位决算公开说明生成服务",
        description="上传标准工作簿，检查勾稽关系，生成决算公开说明（DOCX、PDF 等）。"
        "认证：`Authorization: Bearer 令牌`（令牌由 `juesuan-gen serve --add-account` 给出）。",
        version="1",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.openapi_version = "3.0.3"  # the packaged Swagger UI (4.x) renders 3.0 documents
    app.state.settings = settings
    app.state.sessions = sessions
    app.state.engine = engine
    app.state.store = store
    app.state.runner = runner
    app.state.offload = offload
    app.state.metrics = metrics
    # a request body is refused before it is parsed: one workbook, or a batch up to the zip total
    slack = 1024 * 1024
    app.add_middleware(BodyLimit, default=settings.max_upload_bytes + slack,
                       limits={"/api/batches": settings.max_zip_total_bytes + slack})

    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.filters["localtime"] = local_time
    templates.env.filters["where"] = split_cells
    templates.env.globals["STATUS_TEXT"] = STATUS_TEXT
    templates.env.globals["FORMAT_NAMES"] = FORMAT_NAMES

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    import swagger_ui_bundle

    app.mount("/swagger-ui", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")

    # ------------------------------------------------------------------ plumbing
    def get_db() -> Iterator[Session]:
        with sessions() as db:
            yield db

    Db = Annotated[Session, Depends(get_db)]

    def address(request: Request) -> str:
        return request.client.host if request.client else ""

    def principal_of(request: Request, db: Session) -> Principal | None:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
            account = security.account_by_token(db, token)
            return Principal(account, None, token) if account else None
        ws = security.session_by_token(db, request.cookies.get(COOKIE, ""))
        return Principal(ws.account, ws) if ws else None

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith(("/api/", "/metrics")) and "text/html" in request.headers.get(
            "accept", "")

    bearer_scheme = HTTPBearer(auto_error=False, description="`juesuan-gen serve --add-account` 给出的 API 令牌")

    def api_user(request: Request, db: Db,
                 _: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)] = None) -> Principal:
        who = principal_of(request, db)
        db.commit()  # give the connection back while the request reads and checks its upload
        if who is None:
            raise ApiError(401, "未登录或令牌无效", headers={"WWW-Authenticate": "Bearer"})
        if request.method not in ("GET", "HEAD") and who.session is not None:
            sent = request.headers.get("x-csrf-token", "")
            if not sent or not security.same(sent, who.session.csrf):
                raise ApiError(403, "请求缺少有效的防伪令牌（CSRF），请刷新页面后重试")
        return who

    User = Annotated[Principal, Depends(api_user)]

    def page_user(request: Request, db: Db) -> Principal:
        who = principal_of(request, db)
        if who is None or who.session is None:
            raise _SignIn()
        return who

    PageUser = Annotated[Principal, Depends(page_user)]

    def check_form_csrf(who: Principal, token: str) -> None:
        if not token or not security.same(token, who.csrf):
            raise ApiError(403, "表单缺少有效的防伪令牌（CSRF），请刷新页面后重试")

    def audit(db: Session, request: Request, who: Account | None, action: str, detail: str = "",
              name: str = "") -> None:
        db.add(AuditEntry(account_id=who.id if who else None, account_name=(who.name if who else name)[:100],
                          address=address(request)[:64], action=action, detail=detail))

    def render(request: Request, template: str, who: Principal | None, status_code: int = 200, **ctx):
        from generator.formats import known_styles

        ctx.update(request=request, user=who.account if who else None, csrf=who.csrf if who else "",
                   formats=formats, styles=known_styles())
        return templates.TemplateResponse(request, template, ctx, status_code=status_code)

    def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                            secure=request.url.scheme == "https", path="/")

    # ------------------------------------------------------------------ errors: never a traceback
    class _SignIn(Exception):
        pass

    @app.exception_handler(_SignIn)
    async def _to_signin(request: Request, exc: _SignIn):
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc, ApiError) or _is_chinese(exc.detail) else _HTTP_TEXT.get(
            exc.status_code, "请求无法完成")
        headers = getattr(exc, "headers", None)
        if wants_html(request):
            return await run_in_threadpool(error_page, request, exc.status_code, detail)
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)

    def error_page(request: Request, code: int, message: str) -> Response:
        """The error page, with the signed-in user's navigation (a clerk who followed a stale link
        finds the way back); without it when the database cannot tell who is signed in."""
        try:
            with sessions() as db:
                who = principal_of(request, db)
                return render(request, "error.html", who if who and who.session else None, status_code=code,
                              message=message, code=code)
        except Exception:  # noqa: BLE001 - the error page itself must not fail
            return render(request, "error.html", None, status_code=code, message=message, code=code)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError):
        missing = [".".join(_FIELD_TEXT.get(str(p), str(p)) for p in e.get("loc", ())[1:]) for e in exc.errors()]
        detail = f"请求不完整或格式不对：{'、'.join(m for m in missing if m) or '请检查所填内容'}"
        if wants_html(request):
            return await run_in_threadpool(error_page, request, 422, detail)
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(UploadProblem)
    async def _upload_problem(request: Request, exc: UploadProblem):
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    @app.exception_handler(security.RateLimited)
    async def _rate_limited(request: Request, exc: security.RateLimited):
        detail = limited_message(exc.seconds)
        headers = {"Retry-After": str(exc.seconds)}
        if wants_html(request) or request.url.path == "/login":
            page = render(request, "login.html", None, status_code=429, error=detail, pre=_pre_token(request),
                          name="", next="/")
            page.headers["Retry-After"] = headers["Retry-After"]
            return page
        return JSONResponse({"detail": detail}, status_code=429, headers=headers)

    @app.exception_handler(OperationalError)
    @app.exception_handler(DBInterfaceError)
    @app.exception_handler(PoolTimeout)
    async def _database_down(request: Request, exc: Exception):
        # the database is locked longer than its timeout, stopped or unreachable: nothing was saved
        log.error("database unavailable on %s: %s", request.url.path, exc)
        detail = "数据库暂时无法访问，操作未完成；请稍后重试，仍不行请告诉管理员"
        headers = {"Retry-After": "30"}
        if wants_html(request):
            page = render(request, "error.html", None, status_code=503, message=detail, code=503)
            page.headers.update(headers)
            return page
        return JSONResponse({"detail": detail}, status_code=503, headers=headers)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception):
        # an id or year too large for the database (SQLite: OverflowError; PostgreSQL: DataError)
        detail = "请求中的内容超出允许的范围（如编号或年度过大、名称过长），请检查后重试"
        if wants_html(request):
            return await run_in_threadpool(error_page, request, 422, detail)
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(QueueFull)
    async def _queue_full(request: Request, exc: QueueFull):
        metrics.queue_full.inc()
        return JSONResponse({"detail": BUSY}, status_code=503, headers={"Retry-After": "30"})

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        detail = "服务器内部错误，操作未完成；请稍后重试，或把发生的时间告诉管理员"
        if wants_html(request):
            return render(request, "error.html", None, status_code=500, message=detail, code=500)
        return JSONResponse({"detail": detail}, status_code=500)

    app.add_middleware(SecurityHeaders)

    # ------------------------------------------------------------------ access rules
    def visible_submission(db: Session, who: Principal, sid: int) -> Submission:
        sub = db.get(Submission, sid)
        if sub is None or (not who.account.is_admin and (sub.unit_id is None or sub.unit_id != who.account.unit_id)):
            raise ApiError(404, "没有这份提交，或它不属于本单位")
        return sub

    def same_unit_name(a: str, b: str) -> bool:
        return "".join(a.split()) == "".join(b.split())

    def submission_json(request: Request, sub: Submission) -> dict:
        # root-relative: a link built from the request's Host header could point a client (and its
        # token) at another server; the client resolves these against the address it called
        base = request.scope.get("root_path", "").rstrip("/")
        files = {o.kind: f"{base}/api/submissions/{sub.id}/files/{o.kind}" for o in sub.outputs}
        return {
            "id": sub.id,
            "unit": sub.unit.name if sub.unit else (sub.result or {}).get("unit") or "",
            "year": sub.year,
            "filename": sub.filename,
            "status": sub.status,
            "status_text": STATUS_TEXT.get(sub.status, sub.status),
            "message": sub.message,
            "errors": sub.errors,
            "warnings": sub.warnings,
            "notices": sub.notices,
            "uploaded_at": local_time(sub.created_at),
            "generated_at": local_time(sub.generated_at),
            "findings": (sub.result or {}).get("findings", []),
            "files": files,
        }

    def check_upload(path: Path, report: Path | None = None):
        """The check (and, given ``report``, the check report written there) in a worker process."""
        result, reported = offload.run(check_with_report, str(path), str(report) if report else "")
        metrics.checks.labels(check_status(result)).inc()
        return result, reported

    def new_submission(db: Session, request: Request, who: Principal, filename: str, data: bytes,
                       suffix: str) -> tuple[Submission, object]:
        """Store an upload of a single unit, check it, bind it to its unit (403 for another unit's)."""
        account = who.account
        with tempfile.TemporaryDirectory(dir=settings.work_dir) as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(data)
            result, reported = check_upload(path, Path(tmp) / "report.xlsx")
            refused = (result.unit_name and not account.is_admin
                       and not same_unit_name(result.unit_name, account.unit.name if account.unit else ""))
            if not refused:  # files first, outside the database transaction (SQLite has one writer)
                stored = store.put_bytes(data, suffix)
                report = store_report(store, Path(tmp) / "report.xlsx", filename) if reported else None
        if result.unit_name and not account.is_admin:
            own = account.unit.name if account.unit else ""
            if not same_unit_name(result.unit_name, own):
                audit(db, request, account, "拒绝上传", f"{filename}：工作簿属于“{result.unit_name}”")
                db.commit()
                raise ApiError(403, f"该工作簿属于“{result.unit_name}”，不是本单位（{own}）的工作簿，不能提交")
        if account.is_admin or not result.unit_name:
            unit = find_or_create_unit(db, result.unit_name) if result.unit_name else None
        else:
            unit = account.unit
        if unit is None and not account.is_admin:
            unit = account.unit
        sub = Submission(unit=unit, year=result.year, account_id=account.id, filename=filename[:255],
                         stored=stored, size=len(data), status=check_status(result),
                         result=stored_result(result, filename),
                         message=public_text(result.message, result, filename))
        sub.errors, sub.warnings, sub.notices = counts(sub.result)
        db.add(sub)
        db.flush()
        attach_report(db, store, sub, report)
        metrics.uploads.labels("single").inc()
        audit(db, request, account, "上传", f"提交 #{sub.id}：{filename}（{unit.name if unit else '单位不明'}，"
              f"{STATUS_TEXT[sub.status]}，错误 {sub.errors} 条，警告 {sub.warnings} 条）")
        return sub, result

    def enqueue(db: Session, request: Request, who: Principal, subs: list[Submission], what: str,
                style: str = "") -> None:
        runner.enqueue(db, subs, style)
        shown = f"，公开格式：{style}" if style else ""
        for sub in subs:
            audit(db, request, who.account, "生成", f"提交 #{sub.id}：{sub.filename}{what}{shown}")

    def chosen_style(style: str) -> str:
        """A 公开格式 name asked for ("" keeps the workbook's own); an unknown one is refused."""
        from generator.formats import known_styles, style_error

        style = style.strip()
        if style and style not in known_styles():
            raise ApiError(422, style_error(style))
        return style

    def years_of(db: Session) -> list[int]:
        found = sorted({y for (y,) in db.execute(select(Submission.year).where(Submission.year.is_not(None)))
                        if y is not None}, reverse=True)
        return found

    def default_year(db: Session) -> int:
        found = years_of(db)
        return found[0] if found else datetime.now(TZ).year - 1

    def unit_rows(db: Session, year: int) -> list[dict]:
        rows = []
        units = db.scalars(select(Unit).order_by(Unit.name)).all()
        for unit in units:
            subs = db.scalars(select(Submission).where(Submission.unit_id == unit.id, Submission.year == year)
                              .order_by(Submission.id.desc())).all()
            latest = subs[0] if subs else None
            rows.append({"unit": unit, "latest": latest, "versions": len(subs),
                         "state": unit_state(latest)})
        return rows

    def unit_state(sub: Submission | None) -> str:
        if sub is None:
            return "未提交"
        if sub.status in ("errors", "unreadable"):
            return "有错误"
        if sub.status == "generated":
            return "已生成"
        if sub.status in ("queued", "running"):
            return "生成中"
        if sub.status == "failed":
            return "生成失败"
        return "有警告" if sub.warnings else "待生成"

    # ------------------------------------------------------------------ pages: sign-in
    rate_lock = threading.Lock()
    verify_slots = threading.BoundedSemaphore(2)

    def _pre_token(request: Request) -> str:
        return request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(24)

    @app.get("/", include_in_schema=False)
    def home(request: Request, db: Db):
        who = principal_of(request, db)
        if who is None or who.session is None:
            return RedirectResponse("/login", status_code=303)
        return RedirectResponse("/bureau" if who.account.is_admin else "/clerk", status_code=303)

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request, next: str = "/", out: int = 0):
        pre = _pre_token(request)
        notice = "已退出登录。" if out else (
            "请先登录（或登录已过期）；登录后回到刚才的页面。" if _safe_next(next) != "/" else "")
        response = render(request, "login.html", None, pre=pre, error="", name="", next=_safe_next(next),
                          notice=notice)
        set_cookie(response, request, PRE_COOKIE, pre, 3600)
        return response

    blocks = SignInBlocks()
    app.state.signin_blocks = blocks

    def _limited_render(message: str, pre: str) -> str:
        return templates.get_template("login.html").render(
            request=None, user=None, csrf="", formats=formats, styles=[], pre=pre, error=message, name="",
            next="/")

    limited_page = LimitedPage(_limited_render)

    def limited_response(request: Request, seconds: int) -> Response:
        pre = _pre_token(request)
        response = Response(limited_page.page(seconds, pre), status_code=429, media_type="text/html",
                            headers={"Retry-After": str(seconds)})
        if request.cookies.get(PRE_COOKIE) != pre:
            set_cookie(response, request, PRE_COOKIE, pre, 3600)
        return response

    def remember_limits(db: Session, request: Request, name: str, where: str, audit_it: bool) -> None:
        """After a failed sign-in: an account or address that has now reached its limit is
        refused on the event loop from here on (one audit entry when the refusal starts)."""
        waits = security.rate_waits(db, name, where, settings.login_limit_account, settings.login_limit_address,
                                    settings.login_window_seconds)
        for kind, seconds in waits.items():
            blocks.block(kind, name if kind == ACCOUNT else where, seconds)
            if audit_it:
                who = f"账户名“{name[:50]}”" if kind == ACCOUNT else f"地址 {where}"
                limit = settings.login_limit_account if kind == ACCOUNT else settings.login_limit_address
                minutes = max(1, math.ceil(seconds / 60))
                audit(db, request, None, "暂停登录",
                      f"{who}在 {settings.login_window_seconds // 60} 分钟内登录失败已达 {limit} 次，"
                      f"{minutes} 分钟内不再受理其登录", name=name)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request):
        # On the event loop: the form and an account or address already refused are answered here,
        # without the database or a thread (a storm of wrong passwords must not slow the others).
        form = await request.form()
        name, password, csrf_token, next = (str(form.get(k) or "") for k in ("name", "password", "csrf_token", "next"))
        pre = request.cookies.get(PRE_COOKIE, "")
        if not pre or not csrf_token or not security.same(pre, csrf_token):
            raise ApiError(403, "登录表单已过期或缺少防伪令牌，请刷新页面后重新登录")
        name = name.strip()
        wait = blocks.wait(name, address(request))
        if wait:
            metrics.signins.labels("limited").inc()
            return limited_response(request, wait)
        return await run_in_threadpool(sign_in, request, name, password, pre, next or "/")

    def sign_in(request: Request, name: str, password: str, pre: str, next: str) -> Response:
        where = address(request)
        with sessions() as db:
            with rate_lock:  # check and count as one step: concurrent attempts cannot slip past the limit
                try:
                    security.check_rate(db, name, where, settings.login_limit_account,
                                        settings.login_limit_address, settings.login_window_seconds)
                except security.RateLimited:  # refused in the database (e.g. after a restart)
                    metrics.signins.labels("limited").inc()
                    remember_limits(db, request, name, where, audit_it=False)
                    db.commit()
                    raise
                attempt = security.record_attempt(db, name, where, False)  # a failure until the password is right
                db.commit()
            account = db.scalar(select(Account).where(Account.name == name)) if name else None
            with verify_slots:  # Argon2 takes 64 MiB and a core per check: a storm cannot take them all
                ok = security.verify_password(account.password_hash if account else None, password)
            ok = ok and account is not None and not account.disabled
            attempt.success = ok
            metrics.signins.labels("ok" if ok else "failed").inc()
            if not ok:
                audit(db, request, None, "登录失败", f"账户名“{name[:50]}”", name=name)
                db.flush()
                remember_limits(db, request, name, where, audit_it=True)
                db.commit()
                return render(request, "login.html", None, status_code=401, error="账户名或密码不正确",
                              pre=pre, name=name, next=_safe_next(next))
            assert account is not None  # ok implies an account
            security.end_session(db, request.cookies.get(COOKIE, ""))  # a new session, never one carried in
            token, _ = security.start_session(db, account, settings.session_hours)
            audit(db, request, account, "登录")
            db.commit()
        response = RedirectResponse(_safe_next(next) if next != "/" else "/", status_code=303)
        set_cookie(response, request, COOKIE, token, settings.session_hours * 3600)
        response.delete_cookie(PRE_COOKIE, path="/")
        return response

    @app.get("/signin/once", include_in_schema=False)
    def signin_once(request: Request, db: Db, token: str = ""):
        where = address(request)
        security.check_rate(db, "(一次性链接)", where, 10**6, settings.login_limit_address,
                            settings.login_window_seconds)
        account = db.scalar(select(Account).where(Account.signin_link_hash == security.token_hash(token))) \
            if token else None
        if account is None:
            security.record_attempt(db, "(一次性链接)", where, False)
            db.commit()
            raise ApiError(404, "登录链接无效或已用过。请让管理员重新生成，或用账户名和密码登录")
        account.signin_link_hash = None
        session_token, _ = security.start_session(db, account, settings.session_hours)
        audit(db, request, account, "登录", "一次性登录链接")
        db.commit()
        response = RedirectResponse("/account?first=1", status_code=303)
        set_cookie(response, request, COOKIE, session_token, settings.session_hours * 3600)
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, db: Db, who: PageUser, csrf_token: Annotated[str, Form()] = ""):
        check_form_csrf(who, csrf_token)
        security.end_session(db, request.cookies.get(COOKIE, ""))
        audit(db, request, who.account, "退出登录")
        db.commit()
        response = RedirectResponse("/login?out=1", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/account", include_in_schema=False)
    def account_page(request: Request, who: PageUser, first: int = 0):
        return render(request, "account.html", who, first=first, message="", error="", token="")

    @app.post("/account", include_in_schema=False)
    def account_change(request: Request, db: Db, who: PageUser, csrf_token: Annotated[str, Form()] = "",
                       action: Annotated[str, Form()] = "password", old: Annotated[str, Form()] = "",
                       new: Annotated[str, Form()] = "", again: Annotated[str, Form()] = ""):
        check_form_csrf(who, csrf_token)
        account = db.get(Account, who.account.id)
        if account is None:  # deleted while signed in
            raise HTTPException(status_code=404)
        if action == "token":
            token = security.issue_api_token(account)
            audit(db, request, account, "重置令牌", account.name)
            db.commit()
            return render(request, "account.html", who, first=0, message="已生成新的 API 令牌（旧令牌已失效）。"
                          "它只显示这一次，请妥善保存。", error="", token=token)
        error = ""
        if account.password_hash and not security.verify_password(account.password_hash, old):
            error = "原密码不正确"
        elif new != again:
            error = "两次输入的新密码不一致"
        else:
            error = security.password_problem(new) or ""
        if error:
            return render(request, "account.html", who, status_code=400, first=0, message="", error=error,
                          token="")
        ended = security.set_password(db, account, new, keep=request.cookies.get(COOKIE, ""))
        audit(db, request, account, "修改密码", account.name + (f"（其他 {ended} 处登录已退出）" if ended else ""))
        db.commit()
        return render(request, "account.html", who, first=0, message="密码已保存。"
                      + ("在其他电脑或浏览器上的登录已全部退出。" if ended else ""), error="", token="")

    # ------------------------------------------------------------------ pages: clerk
    @app.get("/clerk", include_in_schema=False)
    def clerk_page(request: Request, db: Db, who: PageUser, unit: int | None = None):
        account = who.account
        if account.is_admin:
            if unit is None:
                return RedirectResponse("/bureau", status_code=303)
            the_unit = db.get(Unit, unit)
            if the_unit is None:
                raise ApiError(404, "没有这个单位")
        else:
            the_unit = account.unit
        subs = db.scalars(select(Submission).where(Submission.unit_id == (the_unit.id if the_unit else -1))
                          .order_by(Submission.id.desc())).all()
        current = subs[0] if subs else None
        has_previous = any(s.status == "generated" or s.status == "checked" for s in subs)
        return render(request, "clerk.html", who, unit=the_unit, subs=subs, current=current,
                      previous_ok=has_previous and _previous_supported(),
                      max_mb=settings.max_upload_bytes // (1024 * 1024), max_bytes=settings.max_upload_bytes)

    @app.get("/submissions/{sid}", include_in_schema=False)
    def submission_page(request: Request, db: Db, who: PageUser, sid: int):
        sub = visible_submission(db, who, sid)
        from generator.web.department import peek_unit_text

        from generator.formats import DEFAULT_STYLE

        own = "" if sub.status == "unreadable" else peek_unit_text(store.path(sub.stored), "style") or DEFAULT_STYLE
        return render(request, "submission.html", who, sub=sub, data=submission_json(request, sub), own_style=own)

    @app.get("/submissions/{sid}/preview", include_in_schema=False)
    def preview(request: Request, db: Db, who: PageUser, sid: int):
        sub = visible_submission(db, who, sid)
        out = {o.kind: o for o in sub.outputs}
        chosen = out.get("html") or out.get("pdf")
        if chosen is None:
            raise ApiError(404, "该提交还没有生成可预览的文件")
        media = "text/html; charset=utf-8" if chosen.kind == "html" else "application/pdf"
        response = FileResponse(store.path(chosen.stored), media_type=media,
                                content_disposition_type="inline", filename=chosen.filename)
        # the document is shown in a frame of our page: no scripts, nothing fetched from elsewhere
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline' 'self'; img-src 'self' data:; font-src 'self' data:; "
            "frame-ancestors 'self'" + ("; sandbox" if chosen.kind == "html" else ""))
        return response

    @app.get("/template.xlsx", include_in_schema=False)
    def blank_template(request: Request, db: Db, who: PageUser, year: int | None = None):
        from generator.errors import JuesuanError
        from generator.workbook import write_template

        with tempfile.TemporaryDirectory(dir=settings.work_dir) as tmp:
            path = Path(tmp) / "标准工作簿.xlsx"
            try:
                write_template(path, None, year)
            except JuesuanError as exc:  # a year without 科目 data: say which years there are
                raise ApiError(404, str(exc)) from None
            data = path.read_bytes()
        audit(db, request, who.account, "下载", "空白标准工作簿")
        db.commit()
        return _bytes_download(data, "决算公开标准工作簿（空白）.xlsx")

    @app.get("/template-next.xlsx", include_in_schema=False)
    def next_template(request: Request, db: Db, who: PageUser, sid: int):
        sub = visible_submission(db, who, sid)
        if not _previous_supported():
            raise ApiError(404, "本版本尚不能由上年数据预填工作簿")
        from generator.carryover import next_year_template
        from generator.inputs import load_input

        with tempfile.TemporaryDirectory(dir=settings.work_dir) as tmp:
            source = Path(tmp) / f"last{Path(sub.filename).suffix.lower() or '.xlsx'}"
            source.write_bytes(store.path(sub.stored).read_bytes())
            path = Path(tmp) / "next.xlsx"
            next_year_template(path, load_input(source).disclosure)
            data = path.read_bytes()
        audit(db, request, who.account, "下载", f"下一年度预填工作簿（据提交 #{sub.id}）")
        db.commit()
        name = f"{sub.unit.name if sub.unit else ''}{(sub.year or 0) + 1}年度决算公开工作簿（预填）.xlsx"
        return _bytes_download(data, name)

    # ------------------------------------------------------------------ pages: bureau
    def admin_only(who: Principal) -> None:
        if not who.account.is_admin:
            raise ApiError(403, "只有主管部门（管理员）账户可以使用此功能")

    @app.get("/bureau", include_in_schema=False)
    def bureau_page(request: Request, db: Db, who: PageUser, year: int | None = None):
        if not who.account.is_admin:
            return RedirectResponse("/clerk", status_code=303)
        year = year or default_year(db)
        rows = unit_rows(db, year)
        tally = {s: sum(1 for r in rows if r["state"] == s) for s in
                 ("未提交", "有错误", "有警告", "待生成", "生成中", "已生成", "生成失败")}
        years = sorted(set(years_of(db)) | {year}, reverse=True)
        return render(request, "bureau.html", who, year=year, years=years, rows=rows, tally=tally,
                      max_files=settings.max_files, max_mb=settings.max_upload_bytes // (1024 * 1024))

    @app.get("/bureau/accounts", include_in_schema=False)
    def accounts_page(request: Request, db: Db, who: PageUser):
        admin_only(who)
        accounts = db.scalars(select(Account).order_by(Account.role, Account.name)).all()
        return render(request, "accounts.html", who, accounts=accounts, message="", error="", token="")

    @app.post("/bureau/accounts", include_in_schema=False)
    def accounts_change(request: Request, db: Db, who: PageUser, csrf_token: Annotated[str, Form()] = "",
                        name: Annotated[str, Form()] = "", unit: Annotated[str, Form()] = "",
                        password: Annotated[str, Form()] = "", account_id: Annotated[int, Form()] = 0,
                        action: Annotated[str, Form()] = "create"):
        admin_only(who)
        check_form_csrf(who, csrf_token)
        message = error = token = ""
        account: Account | None
        if action == "create":
            try:
                account, token = create_account(db, name, unit_name=unit or None, admin=False,
                                                password=password or None)
                audit(db, request, who.account, "新建账户", f"{account.name}（{unit}）")
                db.commit()
                message = f"已新建账户“{account.name}”。其 API 令牌只显示这一次："
            except ValueError as exc:
                db.rollback()
                error = str(exc)
        else:
            account = db.get(Account, account_id)
            if account is None:
                error = "没有这个账户"
            elif action == "password":
                error = security.password_problem(password) or ""
                if not error:
                    keep = request.cookies.get(COOKIE, "") if account.id == who.account.id else ""
                    security.set_password(db, account, password, keep=keep)
                    audit(db, request, who.account, "重设密码", account.name)
                    db.commit()
                    message = f"已为“{account.name}”设置新密码，该账户原有的登录已全部退出。"
            elif action in ("disable", "enable") and account.id != who.account.id:
                account.disabled = action == "disable"
                if account.disabled:
                    db.query(WebSession).filter(WebSession.account_id == account.id).delete()
                audit(db, request, who.account, "停用账户" if account.disabled else "启用账户", account.name)
                db.commit()
                message = f"已{'停用' if account.disabled else '启用'}“{account.name}”。"
            else:
                error = "不能对自己执行此操作"
        accounts = db.scalars(select(Account).order_by(Account.role, Account.name)).all()
        return render(request, "accounts.html", who, status_code=400 if error else 200, accounts=accounts,
                      message=message, error=error, token=token)

    @app.get("/bureau/audit", include_in_schema=False)
    def audit_page(request: Request, db: Db, who: PageUser, page: int = 1, q: str = ""):
        admin_only(who)
        per = 100
        query = select(AuditEntry).order_by(AuditEntry.id.desc())
        if q:
            like = f"%{q}%"
            query = query.where(AuditEntry.account_name.like(like) | AuditEntry.action.like(like)
                                | AuditEntry.detail.like(like))
        entries = db.scalars(query.offset((max(page, 1) - 1) * per).limit(per + 1)).all()
        return render(request, "audit.html", who, entries=entries[:per], page=max(page, 1),
                      more=len(entries) > per, q=q)

    @app.get("/bureau/download.zip", include_in_schema=False)
    def download_all(request: Request, db: Db, who: PageUser, year: int):
        admin_only(who)
        from generator.summary import SUMMARY_NAME, write_summary

        rows = [r for r in unit_rows(db, year) if r["latest"] is not None]
        results, entries = [], []
        for r in rows:
            sub = r["latest"]
            documents = [o for o in sub.outputs if o.kind != "report"]
            names = [o.filename for o in documents]
            status = (sub.result or {}).get("status") or STATUS_TEXT.get(sub.status, sub.status)
            results.append(as_unit_result(sub.result, sub.filename, status if sub.status == "generated"
                                          else STATUS_TEXT.get(sub.status, sub.status), names))
            entries += [(o.filename, store.path(o.stored)) for o in documents]
        tmp = tempfile.NamedTemporaryFile(dir=settings.work_dir, suffix=".zip", delete=False)
        tmp.close()
        with zipfile.ZipFile(tmp.name, "w", zipfile.ZIP_DEFLATED) as zf:
            summary = Path(tmp.name).with_suffix(".summary.xlsx")
            write_summary(results, summary)
            zf.write(summary, SUMMARY_NAME)
            summary.unlink()
            used: set[str] = {SUMMARY_NAME}
            for name, path in entries:
                arc = name
                n = 2
                while arc in used:
                    arc = f"{Path(name).stem}（{n}）{Path(name).suffix}"
                    n += 1
                used.add(arc)
                zf.write(path, arc)
        audit(db, request, who.account, "下载", f"{year} 年度全部文件（{len(rows)} 个单位，{len(entries)} 个文件）")
        metrics.downloads.labels("zip").inc()
        db.commit()
        return FileResponse(tmp.name, media_type="application/zip",
                            filename=f"{year}年度决算公开文件.zip",
                            background=BackgroundTask(lambda: Path(tmp.name).unlink(missing_ok=True)))

    # ------------------------------------------------------------------ 部门汇总工作簿
    def department_json(request: Request, made: DepartmentWorkbook) -> dict:
        base = request.scope.get("root_path", "").rstrip("/")  # root-relative, as in submission_json
        return {"id": made.id, "year": made.year, "name": made.name, "filename": made.filename,
                "units": made.units, "left_out": made.left_out, "created_at": local_time(made.created_at),
                "file": f"{base}/api/department-workbooks/{made.id}/file"}

    def make_department(db: Session, request: Request, who: Principal, year: int, name: str) -> DepartmentWorkbook:
        """Consolidate the current submissions of ``year``'s units without 错误 (the others are
        listed with the reason) into the department ``name``'s workbook, stored for download."""
        from generator.web.department import NothingToConsolidate, build, nothing_message, plan, workbook_name

        admin_only(who)
        name = " ".join(name.split())
        if not name:
            raise ApiError(422, "请填写部门名称（即部门决算工作簿中的单位名称）")
        if len(name) > 100:
            raise ApiError(422, "部门名称不能超过 100 个字")
        chosen = plan(unit_rows(db, year), year, store.path)
        db.commit()  # no transaction is held while the workbooks are read
        if not chosen.picked:
            raise ApiError(409, nothing_message(year, chosen.left_out))
        with tempfile.TemporaryDirectory(dir=settings.work_dir) as tmp:
            target = Path(tmp) / "department.xlsx"
            try:
                built = offload.run(build, name, year, chosen.picked, str(target))
            except NothingToConsolidate as exc:
                raise ApiError(409, nothing_message(year, chosen.left_out + exc.left_out)) from None
            stored = store.put_file(target, ".xlsx")
        made = DepartmentWorkbook(account_id=who.account.id, year=year, name=name,
                                  filename=workbook_name(name, year), stored=stored,
                                  size=store.path(stored).stat().st_size, units=built["units"],
                                  left_out=chosen.left_out + built["left_out"])
        db.add(made)
        db.flush()
        audit(db, request, who.account, "部门汇总",
              f"{name} {year} 年度部门汇总工作簿 #{made.id}：汇总 {len(made.units)} 个单位，未汇总 {len(made.left_out)} 个")
        db.commit()
        return made

    @app.get("/bureau/department", include_in_schema=False)
    def department_page(request: Request, db: Db, who: PageUser, year: int | None = None, made: int = 0):
        from generator.web.department import plan, suggested_name

        admin_only(who)
        year = year or default_year(db)
        chosen = plan(unit_rows(db, year), year, store.path)
        earlier = db.scalars(select(DepartmentWorkbook).order_by(DepartmentWorkbook.id.desc()).limit(50)).all()
        result = db.get(DepartmentWorkbook, made) if made else None
        name = result.name if result else next((e.name for e in earlier), "") or suggested_name(
            [p for _, _, p in chosen.picked])
        years = sorted(set(years_of(db)) | {year}, reverse=True)
        return render(request, "department.html", who, year=year, years=years, name=name, plan=chosen,
                      earlier=earlier, result=result, error="")

    @app.post("/bureau/department", include_in_schema=False)
    def department_make(request: Request, db: Db, who: PageUser, csrf_token: Annotated[str, Form()] = "",
                        year: Annotated[int, Form()] = 0, name: Annotated[str, Form()] = ""):
        admin_only(who)
        check_form_csrf(who, csrf_token)
        try:
            made = make_department(db, request, who, year, name)
        except ApiError as exc:
            from generator.web.department import plan

            db.rollback()
            chosen = plan(unit_rows(db, year), year, store.path)
            earlier = db.scalars(select(DepartmentWorkbook).order_by(DepartmentWorkbook.id.desc()).limit(50)).all()
            years = sorted(set(years_of(db)) | {year}, reverse=True)
            return render(request, "department.html", who, status_code=exc.status_code, year=year, years=years,
                          name=name, plan=chosen, earlier=earlier, result=None, error=exc.detail)
        return RedirectResponse(f"/bureau/department?year={made.year}&made={made.id}", status_code=303)

    # ------------------------------------------------------------------ API
    @app.get("/api/health", tags=["服务"], summary="健康检查")
    async def health() -> dict:  # on the event loop: answers even when every worker thread is busy
        return {"status": "ok"}

    @app.post("/api/check", tags=["检查"], summary="检查一个工作簿（不保存）",
              description="返回与 `juesuan-gen --check --json` 的一个元素相同的对象。")
    def api_check(request: Request, db: Db, who: User, file: Annotated[UploadFile, File(description="工作簿（.xlsx/.xls）或 JSON")]):
        filename, data, suffix = read_upload(file, settings.max_upload_bytes, zip_ok=False,
                                             max_unpacked=settings.max_unpacked_bytes)
        with tempfile.TemporaryDirectory(dir=settings.work_dir) as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(data)
            result, _ = check_upload(path)
        metrics.uploads.labels("check").inc()
        audit(db, request, who.account, "检查", f"{filename}（{result.unit_name or '无法读取'}：{result.status}）")
        db.commit()
        return check_json(result, filename)

    @app.post("/api/submissions", tags=["提交"], summary="提交一个工作簿",
              description="保存并检查工作簿；没有错误时在后台生成文件（`generate=false` 时只检查）。"
              "单位账户只能提交本单位的工作簿（否则 403）。", status_code=202)
    def api_submit(request: Request, db: Db, who: User,
                   file: Annotated[UploadFile, File(description="工作簿（.xlsx/.xls）或 JSON")],
                   generate: Annotated[bool, Form(description="没有错误时是否立即生成")] = True,
                   style: Annotated[str, Form(description="公开格式（如“乌鲁木齐”）；不填则用工作簿“单位信息”中所选的格式")] = "") -> dict:
        style = chosen_style(style)
        filename, data, suffix = read_upload(file, settings.max_upload_bytes, zip_ok=False,
                                             max_unpacked=settings.max_unpacked_bytes)
        if generate and runner.room(db) < 1:
            raise QueueFull
        db.commit()
        sub, _ = new_submission(db, request, who, filename, data, suffix)
        if generate and sub.status == "checked":
            try:
                enqueue(db, request, who, [sub], "", style)
            except QueueFull:  # filled up meanwhile: nothing is kept
                db.rollback()
                for name in [sub.stored, *(o.stored for o in sub.outputs)]:
                    store.delete(name)
                raise
        db.commit()
        runner.notify()
        return {"id": sub.id, "status": sub.status}

    @app.get("/api/submissions", tags=["提交"], summary="本单位（管理员：全部）的提交")
    def api_list(request: Request, db: Db, who: User, year: int | None = None, limit: int = 100) -> list[dict]:
        query = select(Submission).order_by(Submission.id.desc()).limit(max(1, min(limit, 1000)))
        if not who.account.is_admin:
            query = query.where(Submission.unit_id == (who.account.unit_id or -1))
        if year:
            query = query.where(Submission.year == year)
        return [submission_json(request, s) for s in db.scalars(query)]

    @app.get("/api/submissions/{sid}", tags=["提交"], summary="一份提交的状态、检查结果和文件")
    def api_get(request: Request, db: Db, who: User, sid: int) -> dict:
        return submission_json(request, visible_submission(db, who, sid))

    @app.post("/api/submissions/{sid}/generate", tags=["提交"], summary="生成（或重新生成）文件", status_code=202)
    def api_generate(request: Request, db: Db, who: User, sid: int, style: Annotated[str, Form(description="公开格式（如“乌鲁木齐”）；不填则用工作簿“单位信息”中所选的格式")] = "") -> dict:
        style = chosen_style(style)
        sub = visible_submission(db, who, sid)
        if sub.status in ("errors", "unreadable"):
            raise ApiError(409, "该工作簿有错误，不能生成；请修改后重新上传")
        if sub.status in ("queued", "running"):
            return {"id": sub.id, "status": sub.status}
        enqueue(db, request, who, [sub], "", style)
        db.commit()
        runner.notify()
        return {"id": sub.id, "status": sub.status}

    @app.get("/api/submissions/{sid}/files/{kind}", tags=["提交"], summary="下载生成的文件")
    def api_file(request: Request, db: Db, who: User, sid: int, kind: str):
        sub = visible_submission(db, who, sid)
        if kind == "source":
            path, name = store.path(sub.stored), sub.filename
        else:
            out = next((o for o in sub.outputs if o.kind == kind), None)
            if out is None:
                raise ApiError(404, "没有这个文件（可能尚未生成）")
            path, name = store.path(out.stored), out.filename
        audit(db, request, who.account, "下载", f"提交 #{sub.id} 的 {kind.upper() if kind != 'source' else '原工作簿'}：{name}")
        metrics.downloads.labels(kind).inc()
        db.commit()
        return FileResponse(path, media_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                            filename=name)

    @app.post("/api/batches", tags=["批量"], summary="主管部门一次上传多个工作簿（或一个 .zip）", status_code=202)
    def api_batch(request: Request, db: Db, who: User,
                  files: Annotated[list[UploadFile], File(description="多个工作簿，或一个 .zip")],
                  style: Annotated[str, Form(description="公开格式（如“乌鲁木齐”）；不填则用工作簿“单位信息”中所选的格式")] = "") -> dict:
        admin_only(who)
        style = chosen_style(style)
        items = unpack_many(files, settings.max_upload_bytes, settings.max_files, settings.max_zip_total_bytes,
                            settings.max_unpacked_bytes)
        if runner.room(db) < len(items):
            raise QueueFull
        batch = Batch(account_id=who.account.id, total=len(items))
        db.add(batch)
        db.flush()
        subs = []
        for filename, data, suffix in items:
            sub = Submission(batch_id=batch.id, account_id=who.account.id, filename=filename[:255],
                             stored=store.put_bytes(data, suffix), size=len(data), status="queued")
            db.add(sub)
            subs.append(sub)
        db.flush()
        metrics.uploads.labels("batch").inc(len(items))
        audit(db, request, who.account, "批量上传", f"批次 #{batch.id}：{len(items)} 个工作簿")
        enqueue(db, request, who, subs, f"（批次 #{batch.id}）", style)
        db.commit()
        runner.notify()
        return {"id": batch.id, "total": len(items), "submissions": [s.id for s in subs]}

    @app.get("/api/batches/{bid}", tags=["批量"], summary="批量生成的进度")
    def api_batch_progress(request: Request, db: Db, who: User, bid: int) -> dict:
        admin_only(who)
        batch = db.get(Batch, bid)
        if batch is None:
            raise ApiError(404, "没有这个批次")
        subs = db.scalars(select(Submission).where(Submission.batch_id == bid).order_by(Submission.id)).all()
        finished = [s for s in subs if s.status not in ("queued", "running")]
        return {
            "id": batch.id,
            "total": batch.total,
            "finished": len(finished),
            "generated": sum(1 for s in subs if s.status == "generated"),
            "failed": sum(1 for s in finished if s.status != "generated"),
            "done": len(finished) == len(subs),
            "items": [{"id": s.id, "filename": s.filename, "unit": s.unit.name if s.unit else "", "year": s.year,
                       "status": s.status, "status_text": STATUS_TEXT.get(s.status, s.status),
                       "errors": s.errors, "warnings": s.warnings, "message": s.message} for s in subs],
        }

    @app.get("/api/units", tags=["批量"], summary="各单位某年度的状态（管理员）")
    def api_units(request: Request, db: Db, who: User, year: int | None = None) -> dict:
        admin_only(who)
        year = year or default_year(db)
        return {"year": year, "units": [
            {"id": r["unit"].id, "name": r["unit"].name, "state": r["state"], "versions": r["versions"],
             "latest": r["latest"].id if r["latest"] else None,
             "errors": r["latest"].errors if r["latest"] else 0,
             "warnings": r["latest"].warnings if r["latest"] else 0,
             "last_upload": local_time(r["latest"].created_at) if r["latest"] else ""}
            for r in unit_rows(db, year)]}

    @app.post("/api/department-workbooks", tags=["部门汇总"], summary="生成部门汇总工作簿（管理员）",
              status_code=201,
              description="把某年度各单位的当前提交（没有错误的）汇总为部门决算标准工作簿（同 `juesuan-gen --consolidate`）。"
              "`left_out` 列出未汇总的单位及原因；`file` 下载工作簿。单位账户 403；没有可汇总的单位 409。")
    def api_department(request: Request, db: Db, who: User, order: DepartmentOrder) -> dict:
        return department_json(request, make_department(db, request, who, order.year, order.name))

    @app.get("/api/department-workbooks", tags=["部门汇总"], summary="已生成的部门汇总工作簿（管理员）")
    def api_departments(request: Request, db: Db, who: User, year: int | None = None) -> list[dict]:
        admin_only(who)
        query = select(DepartmentWorkbook).order_by(DepartmentWorkbook.id.desc())
        if year:
            query = query.where(DepartmentWorkbook.year == year)
        return [department_json(request, m) for m in db.scalars(query)]

    def visible_department(who: Principal, db: Session, did: int) -> DepartmentWorkbook:
        admin_only(who)
        made = db.get(DepartmentWorkbook, did)
        if made is None:
            raise ApiError(404, "没有这个部门汇总工作簿")
        return made

    @app.get("/api/department-workbooks/{did}", tags=["部门汇总"], summary="一个部门汇总工作簿（管理员）")
    def api_department_get(request: Request, db: Db, who: User, did: int) -> dict:
        return department_json(request, visible_department(who, db, did))

    @app.get("/api/department-workbooks/{did}/file", tags=["部门汇总"], summary="下载部门汇总工作簿（管理员）")
    def api_department_file(request: Request, db: Db, who: User, did: int):
        made = visible_department(who, db, did)
        audit(db, request, who.account, "下载", f"部门汇总工作簿 #{made.id}：{made.filename}")
        metrics.downloads.labels("department").inc()
        db.commit()
        return FileResponse(store.path(made.stored), filename=made.filename,
                            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    # ------------------------------------------------------------------ operations
    @app.get("/metrics", include_in_schema=False)
    def metrics_page(request: Request, db: Db):
        """The operational figures: for this machine (a scraper beside the server), an administrator
        (API token or session), or anyone when the operator opened them (``serve --metrics-public``)."""
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        if not settings.metrics_public and not from_this_machine(request.scope, settings.trusted_proxies):
            who = api_user(request, db)
            if not who.account.is_admin:
                raise ApiError(403, "运行指标只对管理员账户和本机开放")
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(openapi_url="/openapi.json", title="单位决算公开说明生成服务 · 接口文档",
                                   swagger_js_url="/swagger-ui/swagger-ui-bundle.js",
                                   swagger_css_url="/swagger-ui/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg")

    if settings.trusted_proxies:  # outermost: every part sees the client the proxy forwards for
        app.add_middleware(TrustedProxy, proxies=settings.trusted_proxies)
    return app


# ---------------------------------------------------------------------- helpers
_CSP_PAGES = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'"
_CSP_DOCS = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"


class SecurityHeaders:
    """The security headers of every response (a response may set its own CSP, as the preview does).

    A plain ASGI middleware: it only adds headers to the response's start, without the extra task
    and streams per request of ``@app.middleware("http")`` — every request passes through it,
    the sign-in refusals of a password storm included."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = _CSP_DOCS if scope.get("path") == "/docs" else _CSP_PAGES

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Content-Security-Policy", csp)
                headers.setdefault("X-Frame-Options", "SAMEORIGIN")
                if not scope.get("path", "").startswith(("/static/", "/swagger-ui/")):
                    # pages, answers and downloads hold a unit's data: no copy in the browser's cache
                    # (on a shared computer, "back" after 退出 shows the sign-in page, not the data)
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


_HTTP_TEXT = {
    400: "请求有误", 401: "未登录或令牌无效", 403: "没有权限", 404: "页面或资源不存在",
    405: "不支持的请求方式", 413: "上传的内容过大", 422: "请求不完整或格式不对", 429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误", 503: BUSY,
}


# the names of form fields and path parts in "请求不完整或格式不对：…"
_FIELD_TEXT = {
    "file": "文件", "files": "文件", "sid": "提交编号", "bid": "批次编号", "did": "部门汇总编号",
    "kind": "文件类型", "year": "年度", "name": "名称", "unit": "单位", "style": "公开格式",
    "generate": "是否生成", "limit": "条数", "page": "页码", "made": "部门汇总编号", "account_id": "账户",
    "token": "链接", "next": "登录后前往的页面", "first": "首次登录",
}


def _is_chinese(text: object) -> bool:
    return isinstance(text, str) and any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _safe_next(target: str) -> str:
    """A path on this server to go to after signing in; anything else (``//host``, ``/\\host``,
    which browsers read as another server, or a control character) gives ``/``."""
    if not target.startswith("/") or target[1:2] in ("/", "\\") or "\\" in target:
        return "/"
    return "/" if any(ch < " " or ch == "\x7f" for ch in target) else target


def _previous_supported() -> bool:
    """Whether next year's workbook can be prefilled from a submission (generator.carryover)."""
    try:
        from generator.carryover import next_year_template  # noqa: F401
    except ImportError:
        return False
    return True


def _bytes_download(data: bytes, filename: str) -> Response:
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


__all__ = ["create_app"]
