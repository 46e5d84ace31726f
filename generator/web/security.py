"""Passwords, API tokens, browser sessions, CSRF tokens and the sign-in rate limits.

Passwords are hashed with Argon2id (argon2-cffi).  API tokens, session tokens and one-time
sign-in links are random; only their SHA-256 is stored, so a copy of the database lets no one
in.  Failed sign-ins are recorded, and more than a few per account or per address within the
window are refused (HTTP 429) before the password is even looked at.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from generator.web.db import Account, LoginAttempt, WebSession, now

_hasher = PasswordHasher()
# A hash to verify against when the account does not exist: the answer takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))

TOKEN_PREFIX = "jg_"
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """A Chinese reason why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 个字符"
    if password.isdigit() or password.isalpha():
        return "密码应同时包含字母和数字（或符号）"
    return None


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def issue_api_token(account: Account) -> str:
    """A new API token for ``account`` (the previous one stops working); shown once."""
    token = new_token()
    account.token_hash = token_hash(token)
    return token


def issue_signin_link(account: Account) -> str:
    token = secrets.token_urlsafe(32)
    account.signin_link_hash = token_hash(token)
    return token


def account_by_token(db: Session, token: str) -> Account | None:
    if not token:
        return None
    account = db.scalar(select(Account).where(Account.token_hash == token_hash(token)))
    return account if account is not None and not account.disabled else None


def start_session(db: Session, account: Account, hours: int) -> tuple[str, WebSession]:
    token = secrets.token_urlsafe(32)
    ws = WebSession(
        token_hash=token_hash(token),
        account_id=account.id,
        csrf=secrets.token_urlsafe(24),
        expires_at=now() + timedelta(hours=hours),
    )
    db.add(ws)
    return token, ws


def session_by_token(db: Session, token: str) -> WebSession | None:
    if not token:
        return None
    ws = db.get(WebSession, token_hash(token))
    if ws is None or ws.expires_at < now() or ws.account.disabled:
        return None
    return ws


def end_session(db: Session, token: str) -> None:
    ws = db.get(WebSession, token_hash(token)) if token else None
    if ws is not None:
        db.delete(ws)


def end_sessions(db: Session, account: Account, keep: str = "") -> int:
    """Sign ``account`` out everywhere (after its password changed), except the browser whose
    session token is ``keep``; returns how many sessions ended."""
    query = db.query(WebSession).filter(WebSession.account_id == account.id)
    if keep:
        query = query.filter(WebSession.token_hash != token_hash(keep))
    return query.delete(synchronize_session=False)


def set_password(db: Session, account: Account, password: str, keep: str = "") -> int:
    """A new password for ``account``: its other sessions end (an old cookie, stolen or left
    signed in on another computer, stops working) and an unused one-time sign-in link dies.
    API tokens are separate credentials, replaced on the account page.  Returns the sessions ended."""
    account.password_hash = hash_password(password)
    account.signin_link_hash = None
    return end_sessions(db, account, keep)


class RateLimited(Exception):
    def __init__(self, seconds: int):
        super().__init__("rate limited")
        self.seconds = seconds


def rate_waits(db: Session, name: str, address: str, per_account: int, per_address: int,
               window: int) -> dict[str, int]:
    """For the account ``name`` and the address whose failed sign-ins within ``window`` seconds
    reached their limit: ``{"account"|"address": seconds until one more attempt is allowed}``
    (when the oldest failure that still counts leaves the window).  Empty when neither is limited."""
    since = now() - timedelta(seconds=window)
    failed = select(LoginAttempt.at).where(LoginAttempt.success.is_(False), LoginAttempt.at >= since)
    waits: dict[str, int] = {}
    for kind, column, value, limit in (("account", LoginAttempt.account_name, name, per_account),
                                       ("address", LoginAttempt.address, address, per_address)):
        if limit < 1:
            continue
        oldest_counted = db.scalar(failed.where(column == value).order_by(LoginAttempt.at.desc())
                                   .offset(limit - 1).limit(1))
        if oldest_counted is not None:
            left = (oldest_counted + timedelta(seconds=window) - now()).total_seconds()
            waits[kind] = max(1, math.ceil(left))
    return waits


def check_rate(db: Session, name: str, address: str, per_account: int, per_address: int, window: int) -> None:
    """Raise RateLimited when the recent failed sign-ins of this account or address are too many."""
    waits = rate_waits(db, name, address, per_account, per_address, window)
    if waits:
        raise RateLimited(max(waits.values()))


def record_attempt(db: Session, name: str, address: str, success: bool) -> LoginAttempt:
    attempt = LoginAttempt(account_name=name[:100], address=address[:64], success=success)
    db.add(attempt)
    return attempt
