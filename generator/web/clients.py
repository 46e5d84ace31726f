"""Who is asking: the client's address, and whether a request comes from this very machine.

Behind a trusted reverse proxy (``serve --proxy``) the client is the one the proxy names in
X-Forwarded-For, and the scheme the one in X-Forwarded-Proto (uvicorn's ProxyHeadersMiddleware
does that part).  :class:`TrustedProxy` runs it inside the application, keeping the address
that actually connected, so :func:`from_this_machine` can tell a request made on this machine
from one that a proxy on this machine forwarded from outside: both connect from 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

PEER = "juesuan.peer"  # scope key: the address that connected, before any forwarded one replaced it

# headers a proxy adds; a request carrying one says it was forwarded
FORWARDING_HEADERS = (b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"forwarded", b"x-real-ip")


class TrustedProxy:
    """ASGI middleware for ``serve --proxy``: remembers the connecting address in the scope, then
    takes the client and the scheme from the trusted proxies' X-Forwarded-For and -Proto."""

    def __init__(self, app: ASGIApp, proxies: list[str]):
        self.app = ProxyHeadersMiddleware(app, trusted_hosts=list(proxies))  # type: ignore[arg-type]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            client = scope.get("client")
            scope[PEER] = client[0] if client else ""
        await self.app(scope, receive, send)  # type: ignore[arg-type]


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address in ``text`` (``1.2.3.4``, ``1.2.3.4:80``, ``::1``, ``[::1]:80``), or None."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:text.find("]")] if "]" in text else text
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


def is_loopback_address(text: str) -> bool:
    """Whether ``text`` is a loopback IP address (127.0.0.0/8, ::1); a name or nothing is not."""
    found = _address(text)
    return found is not None and found.is_loopback


def trusted(address: str, proxies: Iterable[str]) -> bool:
    """Whether ``address`` is one of ``proxies`` (addresses, networks like ``10.0.0.0/8``, or ``*``)."""
    found = _address(address)
    for proxy in proxies:
        proxy = proxy.strip()
        if proxy == "*" or proxy == address:
            return True
        if found is None:
            continue
        try:
            if "/" in proxy:
                if found in ipaddress.ip_network(proxy, strict=False):
                    return True
            elif found == _address(proxy):
                return True
        except ValueError:
            continue
    return False


def from_this_machine(scope: Scope, proxies: Iterable[str]) -> bool:
    """Whether the request was made on this machine.

    It connected from a loopback address, and either it came straight (no header of a proxy), or
    it came through a trusted proxy whose X-Forwarded-For names only loopback addresses.  A request
    from the proxy's address without X-Forwarded-For is not: a proxy that does not say whom it
    forwards for could be forwarding anyone.  A loopback connection carrying a proxy's headers
    without ``--proxy`` naming that proxy is not either: it was forwarded, from who knows where."""
    proxies = list(proxies)
    client = scope.get("client")
    peer = scope.get(PEER, client[0] if client else "")
    if not is_loopback_address(peer):
        return False
    headers = scope.get("headers") or []
    forwarded_for = [v.decode("latin-1") for k, v in headers if k == b"x-forwarded-for"]
    if proxies and trusted(peer, proxies):
        hops = [h for v in forwarded_for for h in v.split(",") if h.strip()]
        return bool(hops) and all(is_loopback_address(h) for h in hops)
    return not any(k in FORWARDING_HEADERS for k, _ in headers)
