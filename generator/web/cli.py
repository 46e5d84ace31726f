"""``juesuan-gen serve``: run the web server, or add an account and exit.

    juesuan-gen serve --data DIR [--host 127.0.0.1] [--port 8000] [--database URL] [--proxy ADDR]
                      [--metrics-public]
    juesuan-gen serve --data DIR --add-account NAME (--admin | --unit 单位名称)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

USAGE_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="juesuan-gen serve",
        description="启动网页服务：单位在浏览器中上传工作簿、查看检查结果、生成并下载决算公开说明；"
        "主管部门查看各单位情况、批量生成。",
        add_help=False,
    )
    p.add_argument("-h", "--help", action="help", help="显示此帮助并退出")
    p.add_argument("--data", required=True, type=Path, metavar="目录", help="数据目录（数据库、上传和生成的文件）")
    p.add_argument("--host", default="127.0.0.1", metavar="地址",
                   help="监听地址（默认 127.0.0.1，只允许本机访问；其他地址要求管理员已设置密码）")
    p.add_argument("--port", type=int, default=8000, metavar="端口", help="端口（默认 8000）")
    p.add_argument("--database", metavar="URL",
                   help="数据库地址（默认数据目录中的 SQLite；如 postgresql+psycopg://用户:密码@主机/库名）")
    p.add_argument("--workers", type=int, default=None, metavar="N", help="生成进程数（默认：CPU 核数，最多 4）")
    p.add_argument("--check-workers", type=int, default=None, metavar="N",
                   help="检查上传、部门汇总的进程数（默认：CPU 核数，最多 2；0 表示在服务进程内检查）")
    p.add_argument("--queue-limit", type=int, default=200, metavar="N", help="排队和生成中的任务上限（默认 200）")
    p.add_argument("--max-upload-mb", type=int, default=20, metavar="MB", help="单个文件大小上限（默认 20 MB）")
    p.add_argument("--max-files", type=int, default=100, metavar="N", help="一次上传的文件数上限（默认 100）")
    p.add_argument("--proxy", default="", metavar="地址",
                   help="可信反向代理的地址（逗号分隔）：接受其 X-Forwarded-Proto/For，HTTPS 下 Cookie 加 Secure")
    p.add_argument("--metrics-public", action="store_true",
                   help="任何能连到本服务的人都可读取运行指标 /metrics（默认只对本机访问和带管理员 API 令牌的请求开放，"
                   "其他请求得到 401/403）")
    p.add_argument("--add-account", metavar="账户名", help="新建账户，输出其 API 令牌后退出")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--admin", action="store_true", help="与 --add-account 同用：管理员账户")
    who.add_argument("--unit", metavar="单位名称", help="与 --add-account 同用：该单位的账户")
    p.add_argument("--password", metavar="密码", help="与 --add-account 同用：登录密码（不给则只能用令牌）")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    from generator.web.config import Settings, is_loopback

    if args.add_account is None and (args.admin or args.unit or args.password):
        print("--admin、--unit、--password 需与 --add-account 同用", file=sys.stderr)
        return USAGE_ERROR
    settings = Settings(
        data_dir=args.data, database_url=args.database, host=args.host, port=args.port,
        queue_limit=args.queue_limit, max_upload_bytes=args.max_upload_mb * 1024 * 1024, max_files=args.max_files,
        trusted_proxies=[a.strip() for a in args.proxy.split(",") if a.strip()],
        metrics_public=args.metrics_public,
    )
    if args.workers:
        settings.workers = args.workers
    else:
        from generator.batch import default_jobs

        settings.workers = max(1, min(default_jobs(), 4))
    if args.check_workers is not None:
        settings.check_workers = max(0, args.check_workers)
    else:
        from generator.batch import default_jobs

        settings.check_workers = max(1, min(default_jobs(), 2))
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        from generator.web.db import open_database

        engine, sessions = open_database(settings.db_url)
    except Exception as exc:  # noqa: BLE001 - a wrong URL or folder is the user's to fix
        print(f"无法打开数据库（{settings.db_url.split('@')[-1]}）：{type(exc).__name__}: {exc}", file=sys.stderr)
        return USAGE_ERROR
    from generator.web.accounts import admin_has_password, create_account, ensure_admin

    if args.add_account is not None:
        if not args.admin and not args.unit:
            print("请用 --admin 或 --unit 单位名称 说明账户类型", file=sys.stderr)
            return USAGE_ERROR
        with sessions.begin() as db:
            try:
                _, token = create_account(db, args.add_account, args.unit, args.admin, args.password)
            except ValueError as exc:
                print(str(exc), file=sys.stderr)
                return USAGE_ERROR
        print(token)
        return 0

    with sessions.begin() as db:
        link = ensure_admin(db)
        ready = admin_has_password(db)
    engine.dispose()
    if not is_loopback(args.host) and not ready:
        print(f"要在 {args.host} 上提供服务（本机以外可访问），管理员须先设置密码：先以默认地址启动，"
              "用下面打印的一次性链接登录并设置密码，再以此地址启动。", file=sys.stderr)
        return USAGE_ERROR
    return serve(settings, link)


def serve(settings, link: str | None) -> int:
    import uvicorn

    from generator.web.app import create_app

    app = create_app(settings)
    shown_host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    base = f"http://{shown_host}:{settings.port}"
    print(f"单位决算公开说明生成服务：{base}/  （接口文档 {base}/docs；按 Ctrl+C 停止）", flush=True)
    print(f"数据目录：{settings.data_dir}", flush=True)
    if link:
        print(f"管理员一次性登录链接（只能用一次，登录后请设置密码）：{base}/signin/once?token={link}", flush=True)
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, log_level="warning", access_log=False,
        proxy_headers=False,  # the app takes X-Forwarded-* of --proxy itself (generator.web.clients)
        server_header=False,
    )
    server = uvicorn.Server(config)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    return 0 if server.started else 1
