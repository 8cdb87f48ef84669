"""The account page: who you are signed in as, the language of the pages, your password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo

from campaign.services import accounts
from campaign.web.i18n import locale_name, supported_locales
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires
from campaign.web.pages.vocabulary import language_label

bp = Blueprint("account", __name__, url_prefix="/account")


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language of the pages"))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired()])
    repeat = PasswordField(
        _l("New password, again"),
        validators=[DataRequired(), EqualTo("new", message=_l("the two new passwords differ"))],
    )


def _forms() -> tuple[LanguageForm, PasswordForm]:
    language = LanguageForm(prefix="language", data={"locale": locale_name()})
    language.locale.choices = [(code, language_label(code)) for code in supported_locales()]
    return language, PasswordForm(prefix="password")


def _page(language: LanguageForm, password: PasswordForm, status: int = 200) -> ResponseReturnValue:
    user = session_user()
    return render_template(
        "account/index.html", user=user, language=language, password=password
    ), status


@bp.get("")
@page_requires()
def index() -> ResponseReturnValue:
    return _page(*_forms())


@bp.post("/language")
@page_requires()
def language() -> ResponseReturnValue:
    language, password = _forms()
    if not language.validate_on_submit():
        return _page(language, password, 422)
    accounts.set_locale(session_user(), language.locale.data, supported_locales())
    return redirect(url_for("account.index"))


@bp.post("/password")
@page_requires()
def password() -> ResponseReturnValue:
    language, password = _forms()
    if password.validate_on_submit():
        user = session_user()
        try:
            accounts.change_password(user, password.current.data, password.new.data)
        except accounts.WrongPassword as exc:
            password.current.errors = [exc.detail]
        except accounts.Invalid as exc:
            password.new.errors = [exc.detail]
        else:
            login_user(user)  # this session carries on with the new session version
            flash(_("Your password was changed; other sessions were signed out."), "success")
            return redirect(url_for("account.index"))
    return _page(language, password, 422)
