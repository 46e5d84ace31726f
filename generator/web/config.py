"""Settings of one server: where its data lives and the limits it enforces."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Settings:
    data_dir: Path
    database_url: str | None = None  # default: SQLite file in data_dir
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1  # generation processes (warm: fonts and templates loaded once)
    check_workers: int = 1  # processes that check uploads and consolidate (0: in the request's thread)
    queue_limit: int = 20  # jobs waiting or running; more → 请稍后再试
    max_upload_bytes: int = 20 * 1024 * 1024  # one file
    max_files: int = 50  # files in one upload (entries of a .zip count)
    max_zip_total_bytes: int = 200 * 1024 * 1024  # uncompressed .zip content
    max_unpacked_bytes: int = 256 * 1024 * 1024  # one .xlsx's parts, uncompressed (a zip bomb is refused)
    session_hours: int = 12
    login_limit_account: int = 5  # failed sign-ins per account in login_window
    login_limit_address: int = 20  # failed sign-ins per address in login_window
    login_window_seconds: int = 15 * 60
    trusted_proxies: list[str] = field(default_factory=list)  # honour X-Forwarded-Proto/-For from these
    metrics_public: bool = False  # /metrics for anyone, not only this machine and administrators
    formats: tuple[str, ...] | None = None  # default: every registered format

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'juesuan.db'}"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def work_dir(self) -> Path:
        return self.data_dir / "work"

    def output_formats(self) -> tuple[str, ...]:
        """Every registered output format (DOCX, PDF, HTML, …) unless chosen."""
        from generator.render.registry import format_names

        return tuple(self.formats or format_names())


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
