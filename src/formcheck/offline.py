"""Keep the pose library's usage logging on this computer.

MediaPipe's Tasks library (``mediapipe`` 1.x, ``libmediapipe.so``) starts a
worker thread with every landmarker (``tasks::core::logging::HttpLoggingClient``)
that posts usage records to ``https://play.googleapis.com/log`` through its
bundled libcurl. It has no switch: the host fields of ``BaseOptions`` (host
environment, system, CA bundle) were tried and change nothing, and an
unresolvable or absent network only makes it fail later, after a DNS lookup.

libcurl honours the standard proxy variables, so formcheck points them, in its
own process and its pose helper, at a loopback port nothing can listen on
(:data:`NOWHERE`): curl's connection is refused on this machine and no DNS
lookup or packet leaves it. ``no_proxy`` is set to loopback only
(:data:`LOOPBACK`), so requests to this computer itself (Python's ``urllib``
honours the same variables) still go straight there. formcheck itself makes no requests; the two
programs it starts that need the network (``npm pack`` and ``pip`` when a model
variant is provisioned) get the user's own settings back via :func:`outside_env`.
"""

from __future__ import annotations

import os

#: Where the library's HTTP client is sent: port 0 on loopback, which refuses every connection.
NOWHERE = "http://127.0.0.1:0"

#: The variables libcurl reads for a proxy (both spellings), and the ones that would bypass it.
PROXY_VARS = ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY")
BYPASS_VARS = ("no_proxy", "NO_PROXY")

#: What goes direct, past :data:`NOWHERE`: this computer only (the dashboard, its health check, a test's
#: request to it), so nothing but loopback traffic escapes the proxy setting.
LOOPBACK = "localhost,127.0.0.1,::1"

_saved: dict[str, str | None] | None = None


def keep_library_offline() -> None:
    """Point the pose library's HTTP client at :data:`NOWHERE` for this process (idempotent)."""
    global _saved
    if _saved is None:
        _saved = {k: os.environ.get(k) for k in PROXY_VARS + BYPASS_VARS}
    for k in PROXY_VARS:
        os.environ[k] = NOWHERE
    for k in BYPASS_VARS:
        os.environ[k] = LOOPBACK


def outside_env() -> dict[str, str]:
    """This process's environment with the user's own proxy settings, for programs that need the network."""
    env = dict(os.environ)
    if _saved is not None:
        for k, v in _saved.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
    return env
