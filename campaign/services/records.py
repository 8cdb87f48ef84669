"""Shared by the resource services: paging and sorting lists, optimistic locks, safe commits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from campaign.extensions import db
from campaign.services.errors import Conflict, Invalid, NotFound

MAX_PER_PAGE = 100


@dataclass(frozen=True)
class PageRequest:
    """Which slice of a list to return; filters and sort keys are checked by the caller."""

    page: int = 1
    per_page: int = 25
    sort: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    total: int
    page: int
    per_page: int


def paginate(query: Select[Any], model: type, request: PageRequest, sortable: set[str]) -> Page:
    """Apply equality filters and an allow-listed sort ("name" or "-name"), then one page."""
    for name, value in request.filters.items():
        if value is not None:
            query = query.where(getattr(model, name) == value)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = []
    if request.sort:
        key = request.sort.removeprefix("-")
        if key not in sortable:
            raise Invalid(f"cannot sort by {key!r}")
        column = getattr(model, key)
        order.append(column.desc() if request.sort.startswith("-") else column.asc())
    order.append(model.id.asc())  # type: ignore[attr-defined]
    per_page = max(1, min(request.per_page, MAX_PER_PAGE))
    page = max(1, request.page)
    items = db.session.scalars(
        query.order_by(*order).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(items=items, total=total, page=page, per_page=per_page)


def check_version(row: Any, expected: int | None, what: str) -> None:
    """Refuse an edit made on an old copy: the caller sends the version it read."""
    if expected is not None and row.lock_version != expected:
        raise Conflict(
            _(
                "%(what)s was changed by someone else (version %(current)s, you sent "
                "%(sent)s); reload it and apply your change again",
                what=what,
                current=row.lock_version,
                sent=expected,
            )
        )


def commit(what: str = "this record") -> None:
    """Commit, turning a broken unique rule or a concurrent edit into a Conflict."""
    _write(db.session.commit, what)


def flush(what: str = "this record") -> None:
    """Write the pending changes without committing (to check them as they will be), turning a
    broken unique rule or a concurrent edit into a Conflict as `commit` does."""
    _write(db.session.flush, what)


def _write(write: Callable[[], None], what: str) -> None:
    try:
        write()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(
            _("%(what)s clashes with an existing record or is still in use", what=what)
        ) from exc
    except StaleDataError as exc:
        db.session.rollback()
        raise Conflict(
            _("%(what)s was changed by someone else meanwhile; reload it", what=what)
        ) from exc


def delete(row: Any, what: str) -> None:
    db.session.delete(row)
    commit(what)


M = TypeVar("M")


class Records(Generic[M]):
    """The plain create, read, update and delete of one kind of row, named in messages by
    `noun` and the row's `label` attribute (e.g. "hub LIM")."""

    def __init__(self, model: type[M], noun: str, label: str, sorts: set[str]) -> None:
        self.model, self.noun, self.label, self.sorts = model, noun, label, sorts

    def name(self, row: M) -> str:
        return f"{self.noun} {getattr(row, self.label)}"

    def get(self, row_id: int) -> M:
        row = db.session.get(self.model, row_id)
        if row is None:
            raise NotFound(f"no {self.noun} {row_id}")
        return row

    def list(self, request: PageRequest) -> Page:
        return paginate(select(self.model), self.model, request, self.sorts)

    def create(self, values: dict[str, Any]) -> M:
        row = self.model(**values)
        db.session.add(row)
        commit(self.name(row))
        return row

    def update(self, row_id: int, changes: dict[str, Any]) -> M:
        changes = dict(changes)
        row = self.get(row_id)
        check_version(row, changes.pop("version", None), self.name(row))
        assign(row, changes)
        commit(self.name(row))
        return row

    def delete(self, row_id: int, version: int | None) -> None:
        row = self.get(row_id)
        check_version(row, version, self.name(row))
        delete(row, self.name(row))


def assign(row: Any, values: dict[str, Any]) -> None:
    """Set the already-validated fields on a row."""
    for name, value in values.items():
        setattr(row, name, value)
