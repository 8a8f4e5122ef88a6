"""SSRF guard: the fetcher never connects to loopback, private, link-local or cloud-metadata addresses.

The check runs inside the connection itself (a custom httpcore network backend): the host is resolved
once, every address is vetted, and the socket connects to the vetted address. So neither a redirect to
an internal host nor DNS that answers differently on the second lookup (rebinding) gets past it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

import httpcore
import httpx
from httpcore._backends.sync import SyncStream

from newsingest.sources.deadline import DeadlineBackend


class BlockedAddress(Exception):
    """The URL's host resolves to an address the fetcher must not reach."""


class HostNotFound(httpcore.ConnectError):
    """DNS has no address for the host (a typo, a dead domain): not the site's robots.txt failing."""


def host_not_found(exc: BaseException) -> HostNotFound | None:
    """The HostNotFound behind an httpx error (httpx re-raises transport errors as its own, from ours)."""
    while exc is not None and not isinstance(exc, HostNotFound):
        exc = exc.__cause__ or exc.__context__
    return exc


def is_public_address(address: str) -> bool:
    """True for globally routable unicast addresses. `is_global` excludes loopback, RFC 1918 and ULA
    private ranges, link-local (169.254.169.254, the cloud metadata service), CGNAT, documentation and
    reserved ranges; IPv4-mapped IPv6 is judged by its IPv4 address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def vetted_addresses(host: str, port: int, allow_private: bool) -> list[tuple]:
    """getaddrinfo results for host, or BlockedAddress when any of them is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise HostNotFound(f"cannot resolve {host}: {exc.strerror}") from exc
    if not allow_private:
        blocked = sorted({info[4][0] for info in infos if not is_public_address(info[4][0])})
        if blocked:
            raise BlockedAddress(f"{host} resolves to non-public address {', '.join(blocked)}")
    return infos


class GuardedBackend(httpcore.SyncBackend):
    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable | None = None) -> httpcore.NetworkStream:
        last_error: OSError | None = None
        for family, kind, proto, _, address in vetted_addresses(host, port, self.allow_private):
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(timeout)
                sock.connect(address)
            except OSError as exc:
                sock.close()
                last_error = exc
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return SyncStream(sock)
        if isinstance(last_error, TimeoutError):
            raise httpcore.ConnectTimeout(str(last_error))
        raise httpcore.ConnectError(f"cannot connect to {host}:{port}: {last_error}")


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with the guarded backend, its sockets bounded by the attempt's deadline
    (sources/deadline.py). httpx does not expose the backend, so the pool it builds is replaced by an
    identical one that uses ours (httpx is pinned; see pyproject.toml)."""

    def __init__(self, allow_private: bool, max_connections: int):
        super().__init__(trust_env=False)  # a proxy from the environment would bypass the address check
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), max_connections=max_connections,
            max_keepalive_connections=max_connections, network_backend=DeadlineBackend(GuardedBackend(allow_private)))
