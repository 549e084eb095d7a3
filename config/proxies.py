"""The client's address, taken from the trusted reverse proxy only.

Every per-address budget (the login lock-out, the token endpoint, share links, the API
throttles) keys on `REMOTE_ADDR`. Without a proxy that is the peer of the TCP connection,
which a client cannot forge. Behind a proxy (deploy/nginx.conf) the peer is the proxy
itself, so every client would share one budget: one attacker could lock everyone out.

`TrustedProxyMiddleware` therefore rewrites `REMOTE_ADDR` from `X-Forwarded-For`, but only
when the connection comes from an address in `GAPMAP_TRUSTED_PROXIES`, and only from the
right-hand end of the header: a proxy *appends* the address it saw, so entries to the left
of the last trusted hop were written by the client and prove nothing. From any other peer
`X-Forwarded-For` is dropped, so nothing downstream (DRF's throttles, logging) can read it.
DRF's `NUM_PROXIES` is 0 for the same reason: it then keys on `REMOTE_ADDR` alone, the
address resolved here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"
# More entries than any real chain of proxies has: a longer header is not read further
# (the left part is client-written anyway), so parsing work per request stays bounded.
MAX_HOPS = 20


def trusted_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """`GAPMAP_TRUSTED_PROXIES` as networks; a bad entry is a configuration error."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"GAPMAP_TRUSTED_PROXIES: {value!r} is not an IP address or network ({error})."
            ) from error
    return tuple(networks)


def _address(value: str) -> Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[::1]:port" as some proxies write it
        value = value[1 : value.index("]")]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _is_trusted(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The client's address: `peer` unless it is a trusted proxy; then the right-most
    address in `forwarded_for` that is not itself a trusted proxy. A malformed entry
    stops the walk (everything left of it is unverifiable): the last good hop counts."""
    if not _is_trusted(_address(peer), networks):
        return peer
    client = peer
    for entry in reversed(forwarded_for.split(",")[-MAX_HOPS:]):
        address = _address(entry)
        if address is None:
            break
        client = str(address)
        if not _is_trusted(address, networks):
            break
    return client


class TrustedProxyMiddleware:
    """First in MIDDLEWARE: resolves `REMOTE_ADDR` before anything reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.networks = trusted_networks(settings.GAPMAP_TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer = request.META.get("REMOTE_ADDR") or ""
        forwarded_for = request.META.get(FORWARDED_FOR, "")
        if _is_trusted(_address(peer), self.networks):
            request.META["REMOTE_ADDR"] = client_address(peer, forwarded_for, self.networks)
        else:
            # A client talking to us directly: whatever it wrote there is its own claim.
            request.META.pop(FORWARDED_FOR, None)
        return self.get_response(request)
