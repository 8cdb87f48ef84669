"""URL converters: `<int:…>` ids stop at the largest value a database column holds."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # an INTEGER column on PostgreSQL; SQLite would overflow at 2**63


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` with a maximum: /phases/99999999999999999999 is a plain 404, where the query it
    led to used to overflow the database driver (a 500). The OpenAPI document shows the bound."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Install the converters; before any blueprint adds its rules (rules bind them then)."""
    app.url_map.converters["int"] = BoundedIntegerConverter
