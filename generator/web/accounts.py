"""Creating accounts (from the command line and the administrator's page)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from generator.web import security
from generator.web.db import Account
from generator.web.jobs import find_or_create_unit

ADMIN_NAME = "admin"


def create_account(db: Session, name: str, unit_name: str | None, admin: bool,
                   password: str | None = None) -> tuple[Account, str]:
    """A new account and its API token (shown once).  ValueError with a Chinese message when refused."""
    name = (name or "").strip()
    if not name or len(name) > 100 or any(ch.isspace() for ch in name):
        raise ValueError("账户名不能为空、不能含空格，且不超过 100 个字符")
    if db.scalar(select(Account).where(Account.name == name)) is not None:
        raise ValueError(f"账户“{name}”已存在")
    if admin == bool(unit_name and unit_name.strip()):
        raise ValueError("账户要么是管理员，要么属于一个单位（请给出单位名称）")
    if password:
        problem = security.password_problem(password)
        if problem:
            raise ValueError(problem)
    account = Account(name=name, role="admin" if admin else "unit")
    if not admin:
        account.unit = find_or_create_unit(db, (unit_name or "").strip())
    if password:
        account.password_hash = security.hash_password(password)
    token = security.issue_api_token(account)
    db.add(account)
    db.flush()
    return account, token


def ensure_admin(db: Session) -> str | None:
    """Create the administrator on first start.  Returns a one-time sign-in token while the
    administrator has no password (a new one each start; the previous link stops working)."""
    admin = db.scalar(select(Account).where(Account.role == "admin").order_by(Account.id))
    if admin is None:
        admin, _ = create_account(db, ADMIN_NAME, None, admin=True)
    if admin.password_hash:
        return None
    return security.issue_signin_link(admin)


def admin_has_password(db: Session) -> bool:
    return db.scalar(select(Account).where(Account.role == "admin", Account.password_hash.is_not(None))) is not None
