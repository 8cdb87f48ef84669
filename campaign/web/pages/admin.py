"""The administration pages: phases, partner organisations, users and their API tokens."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user

from campaign.domain.roles import STAFF, Role
from campaign.services import accounts, admin_pages, clock
from campaign.services.errors import Conflict, NotFound, ServiceError
from campaign.web.i18n import locale_name
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires
from campaign.web.pages import audit_pages, phase_pages
from campaign.web.pages.admin_forms import (
    PARTNER_REFUSALS,
    PHASE_REFUSALS,
    USER_REFUSALS,
    ConfirmForm,
    EditUserForm,
    NewPartnerForm,
    NewPhaseForm,
    NewUserForm,
    PartnerForm,
    PhaseForm,
    TokenForm,
    UserForm,
    explain,
    partner_role_label,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")
# The audit trail is an area of its own module, inside this one: its endpoints are
# "admin.audit.*", so the navigation marks Administration while it is open.
bp.register_blueprint(audit_pages.bp)
# A phase's own page (lifecycle, funding, cancelling, new dates): endpoints "admin.phase.*".
bp.register_blueprint(phase_pages.bp)


def money(amount: Decimal | None, currency: str) -> str:
    """A budget in the reader's way of writing money: "45.000,00 US$" / "$45,000.00"."""
    return "" if amount is None else format_currency(amount, currency, locale=locale_name())


@bp.context_processor
def _words() -> dict[str, Any]:
    return {"money": money, "partner_role_label": partner_role_label}


def _user() -> accounts.User:
    user = session_user()
    assert user is not None  # the page guard let a signed-in person in
    return user


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 10 else None


def _status(exc: ServiceError) -> int:
    # A refusal about what was typed (an unknown hub, a bad e-mail) is input to correct.
    return 409 if isinstance(exc, Conflict) else 422


@bp.get("")
@page_requires(*STAFF)
def index() -> ResponseReturnValue:
    return render_template("admin/index.html", is_admin=_user().role == Role.ADMIN)


# ------------------------------------------------------------------------------------ phases


@bp.get("/phases")
@page_requires(*STAFF)
def phases() -> ResponseReturnValue:
    rows = admin_pages.phase_rows(_user(), clock.now(), locale_name())
    several = len({r.campaign_id for r in rows}) > 1
    return render_template("admin/phases.html", rows=rows, several=several)


def _phase_page(
    form: PhaseForm, *, phase: Any = None, theirs: Any = None, status: int = 200
) -> ResponseReturnValue:
    page = render_template("admin/phase_form.html", form=form, phase=phase, theirs=theirs)
    return page, status


def _phase_saved(saved: admin_pages.PhaseRow) -> ResponseReturnValue:
    flash(_("Phase %(number)s was saved.", number=saved.number), "success")
    return redirect(url_for("admin.phases", _anchor=f"phase-{saved.id}"), 303)


@bp.route("/phases/new", methods=["GET", "POST"])
@page_requires(*STAFF)
def phase_new() -> ResponseReturnValue:
    user, lang = _user(), locale_name()
    campaigns = admin_pages.campaign_choices(user, lang)
    posted = request.method == "POST"
    first = {"campaign_id": str(campaigns[0].id)} if campaigns else {}
    form = NewPhaseForm(formdata=request.form if posted else None, data=first)
    form.set_choices(admin_pages.hub_choices())
    form.campaign_id.choices = [(str(c.id), c.name) for c in campaigns]
    if not posted:
        return _phase_page(form)
    if not form.validate_on_submit():
        return _phase_page(form, status=422)
    try:
        saved = admin_pages.save_phase(
            None, form.values(), user=user, version=None, at=clock.now(), reader_lang=lang
        )
    except ServiceError as exc:
        explain(exc, form, PHASE_REFUSALS)
        return _phase_page(form, status=_status(exc))
    return _phase_saved(saved)


@bp.route("/phases/<int:phase_id>/edit", methods=["GET", "POST"])
@page_requires(*STAFF)
def phase_edit(phase_id: int) -> ResponseReturnValue:
    user, lang, now = _user(), locale_name(), clock.now()
    try:
        saved = admin_pages.phase(phase_id, user, now, lang)
    except NotFound:
        abort(404)
    data = {
        "number": saved.number,
        "name": saved.name,
        "starts_on": saved.starts_on,
        "ends_on": saved.ends_on,
        "hub_ids": [str(h.id) for h in saved.hubs],
        "funding_status": saved.funding_status,
        "funding_source": saved.funding_source,
        "budget": saved.budget,
        "currency": saved.currency,
        "share_of_voice": Decimal(str(saved.share_of_voice)),
        "lock_version": str(saved.lock_version),
    }
    posted = request.method == "POST"
    form = PhaseForm(formdata=request.form if posted else None, data=data)
    form.set_choices(admin_pages.hub_choices())
    if not posted:
        return _phase_page(form, phase=saved)
    version = _number(form.lock_version.data)
    if not form.validate_on_submit() or version is None:
        return _phase_page(form, phase=saved, status=422)
    # New dates move bookings: they go through the dates page's preview, the rest is saved here.
    values = form.values()
    starts_on, ends_on = values.pop("starts_on"), values.pop("ends_on")
    try:
        changed = admin_pages.save_phase(
            phase_id, values, user=user, version=version, at=now, reader_lang=lang
        )
    except admin_pages.StaleEdit as exc:
        # Saving again now replaces their version deliberately: the form carries theirs.
        form.lock_version.data = str(exc.current.lock_version)
        return _phase_page(form, phase=saved, theirs=exc.current, status=409)
    except ServiceError as exc:
        explain(exc, form, PHASE_REFUSALS)
        return _phase_page(form, phase=saved, status=_status(exc))
    if (starts_on, ends_on) == (changed.starts_on, changed.ends_on):
        return _phase_saved(changed)
    flash(
        _(
            "Phase %(number)s was saved except its dates: see what the new dates move, then "
            "apply them.",
            number=changed.number,
        ),
        "success",
    )
    asked = {"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()}
    return redirect(url_for("admin.phase.dates", phase_id=phase_id, **asked), 303)


# ---------------------------------------------------------------------------------- partners


@bp.get("/partners")
@page_requires(*STAFF)
def partners() -> ResponseReturnValue:
    return render_template("admin/partners.html", rows=admin_pages.partner_rows(locale_name()))


def _partner_page(
    form: PartnerForm, *, partner: Any = None, theirs: Any = None, status: int = 200
) -> ResponseReturnValue:
    page = render_template("admin/partner_form.html", form=form, partner=partner, theirs=theirs)
    return page, status


def _partner_saved(saved: admin_pages.PartnerRow) -> ResponseReturnValue:
    flash(_("The organisation %(name)s was saved.", name=saved.name), "success")
    return redirect(url_for("admin.partners", _anchor=f"partner-{saved.id}"), 303)


@bp.route("/partners/new", methods=["GET", "POST"])
@page_requires(*STAFF)
def partner_new() -> ResponseReturnValue:
    lang = locale_name()
    posted = request.method == "POST"
    form = NewPartnerForm(formdata=request.form if posted else None, data={"role": "ministry"})
    form.set_choices(admin_pages.campaign_choices(_user(), lang))
    if not posted:
        return _partner_page(form)
    if not form.validate_on_submit():
        return _partner_page(form, status=422)
    try:
        saved = admin_pages.save_partner(
            None, form.values(), form.campaigns(), version=None, reader_lang=lang
        )
    except ServiceError as exc:
        explain(exc, form, PARTNER_REFUSALS)
        return _partner_page(form, status=_status(exc))
    return _partner_saved(saved)


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@page_requires(*STAFF)
def partner_edit(partner_id: int) -> ResponseReturnValue:
    lang = locale_name()
    try:
        saved = admin_pages.partner(partner_id, lang)
    except NotFound:
        abort(404)
    data = {
        "name": saved.name,
        "role": saved.role,
        "website": saved.website,
        "appears_on_slides": saved.appears_on_slides,
        "campaign_ids": [str(c.id) for c in saved.campaigns],
        "lock_version": str(saved.lock_version),
    }
    posted = request.method == "POST"
    form = PartnerForm(formdata=request.form if posted else None, data=data)
    form.set_choices(admin_pages.campaign_choices(_user(), lang))
    if not posted:
        return _partner_page(form, partner=saved)
    version = _number(form.lock_version.data)
    if not form.validate_on_submit() or version is None:
        return _partner_page(form, partner=saved, status=422)
    try:
        changed = admin_pages.save_partner(
            partner_id, form.values(), form.campaigns(), version=version, reader_lang=lang
        )
    except admin_pages.StaleEdit as exc:
        form.lock_version.data = str(exc.current.lock_version)
        return _partner_page(form, partner=saved, theirs=exc.current, status=409)
    except ServiceError as exc:
        explain(exc, form, PARTNER_REFUSALS)
        return _partner_page(form, partner=saved, status=_status(exc))
    return _partner_saved(changed)


# ------------------------------------------------------------------------------------- users


@bp.get("/users")
@page_requires(Role.ADMIN)
def users() -> ResponseReturnValue:
    page = request.args.get("page", 1, type=int) or 1
    listing = admin_pages.users_page(max(1, min(page, 100_000)))
    return render_template("admin/users.html", listing=listing, me=_user().id)


def _user_page(
    form: UserForm, *, person: Any = None, theirs: Any = None, status: int = 200
) -> ResponseReturnValue:
    me = _user().id
    page = render_template("admin/user_form.html", form=form, person=person, theirs=theirs, me=me)
    return page, status


def _user_saved(email: str) -> ResponseReturnValue:
    flash(_("The account %(email)s was saved.", email=email), "success")
    return redirect(url_for("admin.users"), 303)


@bp.route("/users/new", methods=["GET", "POST"])
@page_requires(Role.ADMIN)
def user_new() -> ResponseReturnValue:
    posted = request.method == "POST"
    form = NewUserForm(formdata=request.form if posted else None, data={"role": "manager"})
    form.set_choices(admin_pages.partner_choices())
    if not posted:
        return _user_page(form)
    if not form.validate_on_submit():
        return _user_page(form, status=422)
    try:
        made = accounts.add_user(
            form.email.data,
            form.role.data,
            form.password.data,
            now=clock.now(),
            name=(form.name.data or "").strip(),
            partner_id=form.organisation(),
        )
    except ServiceError as exc:
        explain(exc, form, USER_REFUSALS)
        return _user_page(form, status=_status(exc))
    return _user_saved(made.email)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@page_requires(Role.ADMIN)
def user_edit(user_id: int) -> ResponseReturnValue:
    acting = _user()
    try:
        saved = admin_pages.user(user_id)
    except NotFound:
        abort(404)
    data = {
        "name": saved.name,
        "role": saved.role,
        "partner_id": str(saved.partner_id or ""),
        "active": saved.active,
        "lock_version": str(saved.lock_version),
    }
    posted = request.method == "POST"
    form = EditUserForm(formdata=request.form if posted else None, data=data)
    form.set_choices(admin_pages.partner_choices())
    if not posted:
        return _user_page(form, person=saved)
    version = _number(form.lock_version.data)
    if not form.validate_on_submit() or version is None:
        return _user_page(form, person=saved, status=422)
    changes: dict[str, Any] = {
        "name": (form.name.data or "").strip(),
        "role": form.role.data,
        "partner_id": form.organisation(),
        "active": bool(form.active.data),
    }
    if form.password.data:
        changes["password"] = form.password.data
    try:
        changed = admin_pages.edit_user(user_id, changes, version=version, acting=acting)
    except admin_pages.StaleEdit as exc:
        form.lock_version.data = str(exc.current.lock_version)
        return _user_page(form, person=saved, theirs=exc.current, status=409)
    except ServiceError as exc:
        explain(exc, form, USER_REFUSALS)
        if form.role.errors and form.role.data == saved.role:
            # Your own account: the refusal concerns what you changed, here "active".
            form.active.errors, form.role.errors = list(form.role.errors), []
        return _user_page(form, person=saved, status=_status(exc))
    if changed.id == acting.id:
        login_user(acting)  # a new password ends every session: this one carries on
    return _user_saved(changed.email)


# ------------------------------------------------------------------------------------ tokens


def _tokens_page(user_id: int, form: TokenForm, status: int = 200, **extra: Any) -> Any:
    try:
        person, tokens = admin_pages.tokens(user_id)
    except NotFound:
        abort(404)
    page = render_template("admin/tokens.html", person=person, tokens=tokens, form=form, **extra)
    return page, status


@bp.get("/users/<int:user_id>/tokens")
@page_requires(Role.ADMIN)
def tokens(user_id: int) -> ResponseReturnValue:
    return _tokens_page(user_id, TokenForm(formdata=None))


@bp.post("/users/<int:user_id>/tokens")
@page_requires(Role.ADMIN)
def token_create(user_id: int) -> ResponseReturnValue:
    form = TokenForm()
    if not form.validate_on_submit():
        return _tokens_page(user_id, form, 422)
    try:
        made, secret = admin_pages.create_token(user_id, form.name.data.strip(), now=clock.now())
    except NotFound:
        abort(404)
    except ServiceError as exc:
        form.name.errors = [exc.detail]
        return _tokens_page(user_id, form, _status(exc))
    # The secret is in this answer only: never stored, never flashed, never cached.
    body, status = _tokens_page(user_id, TokenForm(formdata=None), 201, made=made, secret=secret)
    return body, status, {"Cache-Control": "no-store"}


@bp.route("/users/<int:user_id>/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@page_requires(Role.ADMIN)
def token_revoke(user_id: int, token_id: int) -> ResponseReturnValue:
    try:
        person, token = admin_pages.token(user_id, token_id)
    except NotFound:
        abort(404)
    form = ConfirmForm()
    if request.method == "GET" or not form.validate_on_submit():
        page = render_template("admin/token_revoke.html", person=person, token=token, form=form)
        return page, 200 if request.method == "GET" else 422
    revoked = admin_pages.revoke_token(user_id, token_id, now=clock.now())
    flash(_("The token «%(name)s» was revoked: it works no more.", name=revoked.name), "success")
    return redirect(url_for("admin.tokens", user_id=user_id), 303)
