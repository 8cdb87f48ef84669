"""Pairing a player with a screen: the manager types the code the new player shows."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from campaign.domain.roles import STAFF
from campaign.services import clock, pairing
from campaign.services.errors import ServiceError
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires

bp = Blueprint("pairing", __name__)


class PairForm(FlaskForm):
    code = StringField(
        _l("Pairing code"),
        # Generous: spaces and hyphens are typed too, and the service says what a code is.
        validators=[InputRequired(_l("Type the code the screen shows.")), Length(max=40)],
    )
    # Any value is taken: the service answers one the user may not pair as unknown.
    screen = SelectField(
        _l("Screen"),
        validators=[InputRequired(_l("Choose the screen this player is for."))],
        validate_choice=False,
    )


def _form(user: Any) -> PairForm:
    posted = request.method == "POST"
    asked = request.args.get("code", "")
    normalised = pairing.normalise_code(asked)
    data = {
        "code": pairing.shown_code(normalised) if normalised else asked,
        "screen": request.args.get("screen", ""),
    }
    form = PairForm(formdata=request.form if posted else None, data=data)
    form.screen.choices = [("", _("Choose a screen"))] + [
        (c.code, f"{c.code} · {c.name}" if c.name else c.code) for c in pairing.screen_choices(user)
    ]
    return form


def _page(form: PairForm, status: int = 200, **headers: str) -> ResponseReturnValue:
    html = render_template("network/pair.html", form=form, may_edit=True)
    return html, status, headers


@bp.route("/screens/pair", methods=["GET", "POST"])
@page_requires(*STAFF)
def pair() -> ResponseReturnValue:
    user = session_user()
    form = _form(user)
    if request.method == "GET":
        return _page(form)
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        screen = pairing.pair(form.code.data or "", form.screen.data or "", user, now=clock.now())
    except pairing.TooManyAttempts as exc:
        form.form_errors.append(exc.detail)
        return _page(form, 429, **{"Retry-After": str(exc.retry_after)})
    except pairing.UnknownScreen as exc:
        form.screen.errors = [*form.screen.errors, exc.detail]
        return _page(form, 422)
    except ServiceError as exc:
        form.code.errors = [*form.code.errors, exc.detail]
        return _page(form, 403 if exc.status == 403 else 422)
    flash(
        _(
            "%(screen)s is paired: the player receives its token within a few seconds. Its "
            "previous token no longer works.",
            screen=screen.code,
        ),
        "success",
    )
    return redirect(url_for("network.screen", code=screen.code), 303)
