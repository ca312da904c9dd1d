"""HTML to PDF with WeasyPrint, reading only our own static files.

The stylesheet and the fonts (static/fonts/DejaVuSans*.ttf) come from the static files, never
from the network or the machine's font folders, so a PDF looks the same on every server and
rendering cannot be turned into a request to another host. A file that cannot be found stops
the rendering instead of quietly falling back to another font.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

PDF_CONTENT_TYPE = "application/pdf"


def static_file(url: str) -> Path | None:
    """The file behind a /static/ address: found by the finders (development, tests) or in the
    collected files (production, where names carry a hash)."""
    path = unquote(urlsplit(url).path)
    prefix = urlsplit(settings.STATIC_URL).path
    if not path.startswith(prefix):
        return None
    name = path.removeprefix(prefix)
    found = finders.find(name)
    if found:
        return Path(found)
    if staticfiles_storage.exists(name):
        return Path(staticfiles_storage.path(name))
    return None


def render_pdf(html: str, *, base_url: str) -> bytes:
    """The PDF of a page whose stylesheets, fonts and images are static files or data: URIs."""
    # Imported here: WeasyPrint loads Pango when imported, and only this use needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file(url)
            if path is None:
                raise ValueError(f"not a static file: {url}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": content_type}
            )

    fetcher = StaticFetcher(allowed_protocols=("http", "https", "data"), fail_on_errors=True)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
