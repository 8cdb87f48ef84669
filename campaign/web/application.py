"""The Flask application class, with the per-request work that does not change made once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask


class CampaignFlask(Flask):
    """Flask, remembering which hooks and views are coroutines.

    Flask asks `inspect.iscoroutinefunction` about every hook and view on every request; the
    answer never changes, and on the player's poll it was a tenth of the request's cost.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync_callables: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            return self._sync_callables[func]
        except KeyError:
            made = self._sync_callables[func] = super().ensure_sync(func)
            return made
        except TypeError:  # an unhashable callable: ask every time, as Flask does
            return super().ensure_sync(func)
