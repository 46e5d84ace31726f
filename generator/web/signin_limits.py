"""Sign-ins already refused, answered without the database or a worker thread.

The limits themselves are counted in the database (:func:`generator.web.security.rate_waits`:
failed sign-ins per account and per address within the window), so they hold across restarts
and across several server processes.  Once an account or an address has reached its limit, it
is remembered here with the moment it may try again; until then every further attempt is
answered on the event loop with a page rendered once (HTTP 429, the Chinese message and the
time to wait), without a query, a password check or a thread from the server's pool.  A storm
of wrong passwords then costs the server almost nothing, and ``/api/health`` and the pages of
everyone else stay fast.

The memory is bounded: expired entries are dropped, and when it is full a new block is simply
not remembered (its attempts go the slower way, through the database, which refuses them too).
"""

from __future__ import annotations

import html
import math
import threading
import time
from collections.abc import Callable

ACCOUNT = "account"
ADDRESS = "address"


def limited_message(seconds: int) -> str:
    """The Chinese message of a refused sign-in: how long to wait, in whole minutes."""
    return f"登录尝试过于频繁，请 {max(1, math.ceil(seconds / 60))} 分钟后再试"


class SignInBlocks:
    """Accounts and addresses refused sign-in until a moment (monotonic clock)."""

    def __init__(self, capacity: int = 10_000, clock: Callable[[], float] = time.monotonic):
        self.capacity = capacity
        self._clock = clock
        self._until: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def block(self, kind: str, key: str, seconds: int) -> None:
        """Refuse ``kind`` (:data:`ACCOUNT` or :data:`ADDRESS`) ``key`` for ``seconds``."""
        if seconds <= 0:
            return
        at = self._clock()
        with self._lock:
            if len(self._until) >= self.capacity:
                self._until = {k: u for k, u in self._until.items() if u > at}
                if len(self._until) >= self.capacity:
                    return
            self._until[(kind, key)] = max(self._until.get((kind, key), 0.0), at + seconds)

    def wait(self, name: str, address: str) -> int:
        """Seconds until the account ``name`` and ``address`` may both try again (0: now)."""
        at = self._clock()
        with self._lock:
            left = 0.0
            for entry in ((ACCOUNT, name), (ADDRESS, address)):
                until = self._until.get(entry)
                if until is None:
                    continue
                if until <= at:
                    del self._until[entry]
                else:
                    left = max(left, until - at)
        return math.ceil(left)

    def clear(self, kind: str, key: str) -> None:
        with self._lock:
            self._until.pop((kind, key), None)

    def __len__(self) -> int:
        return len(self._until)


class LimitedPage:
    """The sign-in page with the 429 message, rendered once per number of minutes; only the
    form's anti-forgery token is put in per request (escaped)."""

    MARK = "PRE0TOKEN0MARK"

    def __init__(self, render: Callable[[str, str], str]):
        self._render = render  # (message, pre-token) → the whole page
        self._pages: dict[str, tuple[str, str]] = {}

    def page(self, seconds: int, pre: str) -> str:
        message = limited_message(seconds)
        parts = self._pages.get(message)
        if parts is None:
            before, _, after = self._render(message, self.MARK).partition(self.MARK)
            parts = self._pages[message] = (before, after)
        return parts[0] + html.escape(pre, quote=True) + parts[1]
