"""Accounts: adding and changing users, their roles and organisations."""

from __future__ import annotations

import pytest
from flask import Flask

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.services import accounts
from campaign.services.errors import Conflict, Invalid, NotFound
from tests.web.test_api_helpers import NOW, PASSWORD, partner_id


def test_add_user_keeps_working_with_a_partner_slug(app: Flask) -> None:
    with app.app_context():
        partner_id("mimp")
        user = accounts.add_user(
            "P@MIMP.example.org", "partner", PASSWORD, now=NOW, partner_slug="mimp"
        )
        assert user.email == "p@mimp.example.org" and user.partner_id is not None
        assert user.password_hash.startswith("scrypt:")
        with pytest.raises(Conflict):
            accounts.add_user("p@mimp.example.org", "manager", PASSWORD, now=NOW)
        with pytest.raises(NotFound):
            accounts.add_user("q@x.org", "partner", PASSWORD, now=NOW, partner_slug="nope")
        with pytest.raises(Invalid):
            accounts.add_user("q@x.org", "manager", "short", now=NOW)
        with pytest.raises(Invalid):
            accounts.add_user("q@x.org", "manager", PASSWORD, now=NOW, partner_id=user.partner_id)


def test_changing_role_or_password_ends_sessions(app: Flask) -> None:
    with app.app_context():
        admin = accounts.add_user("a@x.org", "admin", PASSWORD, now=NOW)
        user = accounts.add_user("m@x.org", "manager", PASSWORD, now=NOW)
        before = user.session_version
        accounts.update_user(user.id, {"name": "M"}, version=user.lock_version, acting=admin)
        assert db.session.get(User, user.id).session_version == before
        accounts.update_user(user.id, {"role": "admin"}, version=user.lock_version, acting=admin)
        assert db.session.get(User, user.id).session_version == before + 1
        with pytest.raises(Conflict):
            accounts.update_user(user.id, {"name": "X"}, version=1, acting=admin)
        with pytest.raises(Conflict):
            accounts.update_user(
                admin.id, {"role": "manager"}, version=admin.lock_version, acting=admin
            )
        with pytest.raises(Invalid):
            accounts.update_user(
                user.id, {"role": "partner"}, version=user.lock_version, acting=admin
            )
