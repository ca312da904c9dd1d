"""The production settings (DEBUG off: no query log, cached templates), for the benchmarks.

One difference: static files are served without the hashed manifest, so the benchmark needs no
`collectstatic` step. Pages only link static files, so this changes no measured time.
"""

from __future__ import annotations

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = STORAGES | {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
}
