"""The roles a person signs in with, and the groups of them that rules allow."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a signed-in person may do; stored as its value ("admin", "manager", "partner")."""

    ADMIN = "admin"
    MANAGER = "manager"
    PARTNER = "partner"


# The campaign team: they plan, edit and schedule. Partners only see and review.
STAFF: tuple[Role, ...] = (Role.ADMIN, Role.MANAGER)
# Anyone signed in, whatever their role.
ANY: tuple[Role, ...] = tuple(Role)
