"""The one way downloads are named, and the public address of the masses' pages. (The request type of
signed-in views, AuthedRequest, is accounts.http's: core does not know the User.)"""

import ipaddress
from urllib.parse import quote, urlsplit


def attachment_disposition(filename: str, fallback: str) -> str:
    """Content-Disposition of a download named `filename` (Chinese): RFC 5987 `filename*` for today's browsers,
    and an ASCII `fallback` for the old ones intranets still have."""
    ascii_name = filename if filename.isascii() else fallback
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def public_url_fault(url: str) -> str | None:
    """Why `url` would not open on someone's phone outside this server, or None: unset, not a whole address
    (https://… with a host), or this machine itself (127.0.0.1, localhost, ::1, 0.0.0.0). The one rule for the
    masses' feedback address: the QR code refuses it and the system status page warns of it."""
    url = (url or "").strip()
    if not url:
        return "尚未设置"
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return "不是完整的网址（应以 https:// 或 http:// 开头，带主机名）"
    loopback = host in ("localhost", "localhost.localdomain") or host.endswith(".localhost")
    try:
        address = ipaddress.ip_address(host)
        loopback = loopback or address.is_loopback or address.is_unspecified
    except ValueError:
        pass
    return "指向服务器本机" if loopback else None
