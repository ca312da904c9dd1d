"""The address a request comes from, as the login throttling counts it (AXES_CLIENT_IP_CALLABLE).

Behind N reverse proxies of our own, each appends to X-Forwarded-For the address it received the
request from, so the client's address is the N-th entry from the right; whatever stands left of
it was written by the client and proves nothing. Without proxies (AXES_IPWARE_PROXY_COUNT = 0,
the default) the header is ignored. django-ipware counts proxies differently (only those listed
inside the header), which is why this is not left to it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if len(hops) < proxies:  # did not come through all our proxies: trust only the socket
        return remote
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
