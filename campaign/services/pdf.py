"""HTML to PDF with WeasyPrint, offline: only the project's own files and data: URLs are read."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from campaign.config import PROJECT_ROOT


class RefusedURL(ValueError):
    """A document asked for something outside the project: a PDF never reaches the network."""


# What a report's document may read: the stylesheets, fonts and templates. Not the instance
# folder (the database, the secret key), even though it lies inside the project.
READABLE = (PROJECT_ROOT / "assets", PROJECT_ROOT / "templates")


def _inside_project(url: str) -> None:
    parts = urlsplit(url)
    path = Path(unquote(parts.path)).resolve()
    if parts.netloc not in ("", "localhost") or not any(path.is_relative_to(r) for r in READABLE):
        raise RefusedURL(f"refused {url}: only the project's stylesheets and fonts may be read")


def local_fetcher() -> Any:
    """A WeasyPrint URL fetcher that reads data: URLs and file: URLs inside the project, and
    refuses anything else (http, https, ftp, files elsewhere)."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlsplit(url).scheme.lower()
            if scheme not in ("file", "data"):
                raise RefusedURL(f"refused {url}: a PDF is made offline, from the project's files")
            if scheme == "file":
                _inside_project(url)
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols=("file", "data"), allow_redirects=False)


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of an HTML document (its print stylesheet decides pages, headers and footers).

    `base_url` resolves relative links (a file: URL inside the project, or None); nothing is
    fetched from the network. WeasyPrint's own complaints (a CSS property it does not know, a
    resource it could not load) go to the "weasyprint" logger as warnings."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    document = HTML(string=html, base_url=base_url, url_fetcher=local_fetcher())
    return document.write_pdf(font_config=fonts)  # type: ignore[no-any-return]
