"""The administration forms (phases, partners, users, tokens, audit filters) and their refusals."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from campaign.domain.model import FundingStatus, PartnerRole
from campaign.domain.roles import Role
from campaign.services.errors import Conflict, Invalid, NotFound, ServiceError
from campaign.web.i18n import local_date
from campaign.web.pages.vocabulary import role_label, status_label

PARTNER_ROLE_LABELS = {
    "implementer": _l("implementing organisation"),
    "ministry": _l("ministry"),
    "funder": _l("funder"),
    "agency": _l("agency"),
    "other": _l("other"),
}
MAX_BUDGET = Decimal(10**12)


def partner_role_label(value: str) -> str:
    return str(PARTNER_ROLE_LABELS.get(value, value))


def at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters, please shorten it."))


def read_amount(text: str, *, thousands: bool = False) -> Decimal:
    """A number as people type it: 45000, 45000.50, 45,000.50, 45.000,50, 0,5. A lone mark
    followed by three digits is a thousands mark when `thousands` (amounts of money have at
    most two decimals), else the decimal mark."""
    text = re.sub(r"[\s\u00a0\u202f]", "", text)
    if not re.fullmatch(r"\d+([.,]\d+)*", text):
        raise ValueError(text)
    marks = [c for c in text if c in ".,"]
    if not marks:
        return Decimal(text)
    decimal_mark: str | None = marks[-1]
    digits_after = len(text) - text.rfind(marks[-1]) - 1
    if len(set(marks)) == 1 and (len(marks) > 1 or (thousands and digits_after == 3)):
        decimal_mark = None  # every mark groups thousands
    whole, fraction = text, ""
    if decimal_mark:
        whole, _mark, fraction = text.rpartition(decimal_mark)
        if decimal_mark in whole:
            raise ValueError(text)
    groups = re.split(r"[.,]", whole)
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        raise ValueError(text)
    return Decimal("".join(groups) + ("." + fraction if fraction else ""))


class AmountField(Field):
    """A decimal number that takes a comma or a point, keeping what was typed when refused."""

    widget = TextInput()

    def __init__(self, *args: Any, thousands: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(*args, **kwargs)
        self.thousands = thousands

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else format(self.data, "f")

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if valuelist and str(valuelist[0]).strip():
            try:
                self.data = read_amount(str(valuelist[0]), thousands=self.thousands)
            except ValueError as exc:
                raise ValueError(self.invalid_value_message) from exc


def currency_field() -> StringField:
    """A three-letter currency code, upper-cased, USD unless given."""
    return StringField(
        _l("Currency"),
        default="USD",
        filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
        validators=[
            Regexp(
                r"^[A-Z]{3}$", message=_l("A currency code of three letters, such as USD or PEN.")
            )
        ],
        render_kw={"maxlength": "3", "autocomplete": "off"},
    )


def day_field(label: Any, *validators: Any) -> DateField:
    return DateField(
        label,
        validators=list(validators),
        invalid_value_message=_l("A date such as 2026-12-01."),
    )


class CheckboxesField(SelectMultipleField):
    """Several choices, one checkbox each (hubs by name, campaigns)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# ---------------------------------------------------------------------------------- phases


class PhaseForm(FlaskForm):
    number = IntegerField(
        _l("Number"),
        validators=[
            InputRequired(message=_l("Give the phase a number.")),
            NumberRange(1, 1000, message=_l("A whole number from 1 to 1000.")),
        ],
        invalid_value_message=_l("A whole number from 1 to 1000."),
    )
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Give the phase a name.")), at_most(200)],
    )
    starts_on = day_field(_l("First day"), InputRequired(message=_l("Give the first day.")))
    ends_on = day_field(_l("Last day"), InputRequired(message=_l("Give the last day.")))
    hub_ids = CheckboxesField(_l("Hubs"), validate_choice=False)
    funding_status = SelectField(_l("Funding"), default="pending", validate_choice=False)
    funding_source = StringField(_l("Source of the funds"), validators=[at_most(200)])
    budget = AmountField(
        _l("Budget"),
        validators=[Optional()],
        thousands=True,
        invalid_value_message=_l("The budget must be an amount such as 45000 or 45000.50."),
    )
    currency = currency_field()
    share_of_voice = AmountField(
        _l("Share of voice"),
        default=Decimal(1),
        validators=[InputRequired(message=_l("Give a share of voice; 1 is an equal share."))],
        invalid_value_message=_l("A number from 0.001 to 1000, such as 1 or 1.5."),
    )
    lock_version = HiddenField()

    def set_choices(self, hubs: Sequence[Any]) -> None:
        self.hub_ids.choices = [(str(h.id), f"{h.name} ({h.code})") for h in hubs]
        self.funding_status.choices = [(s.value, status_label(s.value)) for s in FundingStatus]

    def validate_ends_on(self, field: Field) -> None:
        starts = self.starts_on.data
        if field.data and starts and field.data < starts:
            raise ValidationError(
                _l("The last day is before the first day (%(day)s).", day=local_date(starts))
            )

    def validate_hub_ids(self, field: Field) -> None:
        known = {value for value, _label in field.choices or ()}
        unknown = [v for v in field.data or () if v not in known]
        if unknown:
            raise ValidationError(
                _l("«%(value)s» is not one of the hubs; tick hubs in the list.", value=unknown[0])
            )

    def validate_funding_status(self, field: Field) -> None:
        if field.data not in {s.value for s in FundingStatus}:
            raise ValidationError(_l("Choose pending, confirmed or declined."))

    def validate_share_of_voice(self, field: Field) -> None:
        if field.data is not None and not Decimal("0.001") <= field.data <= 1000:
            raise ValidationError(_l("A number from 0.001 to 1000, such as 1 or 1.5."))

    def validate_budget(self, field: Field) -> None:
        if field.data is not None and (
            field.data >= MAX_BUDGET or field.data.as_tuple().exponent < -2  # type: ignore[operator]
        ):
            raise ValidationError(
                _l("An amount below one trillion, with at most two decimals, such as 45000.50.")
            )

    def values(self) -> dict[str, Any]:
        """What the phase service takes."""
        return {
            "number": self.number.data,
            "name": self.name.data.strip(),
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "hub_ids": [int(v) for v in self.hub_ids.data or ()],
            "funding_status": self.funding_status.data,
            "funding_source": (self.funding_source.data or "").strip(),
            "budget": self.budget.data,
            "currency": self.currency.data,
            "share_of_voice": float(self.share_of_voice.data),
        }


class NewPhaseForm(PhaseForm):
    campaign_id = SelectField(_l("Campaign"), validate_choice=False)

    def validate_campaign_id(self, field: Field) -> None:
        if field.data not in {value for value, _label in field.choices or ()}:
            raise ValidationError(_l("Choose one of the campaigns in the list."))

    def values(self) -> dict[str, Any]:
        return {**super().values(), "campaign_id": int(self.campaign_id.data)}


# -------------------------------------------------------------------------------- partners


class PartnerForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Give the organisation's name.")), at_most(200)],
    )
    role = SelectField(_l("Role in the campaign"), validate_choice=False)
    website = StringField(
        _l("Website"),
        validators=[
            at_most(300),
            Regexp(
                r"^(https://\S+)?$",
                message=_l("A link starting with https://, without spaces; or leave it empty."),
            ),
        ],
    )
    appears_on_slides = BooleanField(_l("Its name appears on the slides"))
    campaign_ids = CheckboxesField(_l("Campaigns it is a partner of"), validate_choice=False)
    lock_version = HiddenField()

    def set_choices(self, campaigns: Sequence[Any]) -> None:
        self.role.choices = [(r.value, partner_role_label(r.value)) for r in PartnerRole]
        self.campaign_ids.choices = [(str(c.id), c.name) for c in campaigns]

    def validate_role(self, field: Field) -> None:
        if field.data not in {r.value for r in PartnerRole}:
            raise ValidationError(_l("Choose one of the roles in the list."))

    def validate_campaign_ids(self, field: Field) -> None:
        known = {value for value, _label in field.choices or ()}
        if any(v not in known for v in field.data or ()):
            raise ValidationError(_l("Tick campaigns in the list."))

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data.strip(),
            "role": self.role.data,
            "website": (self.website.data or "").strip(),
            "appears_on_slides": bool(self.appears_on_slides.data),
        }

    def campaigns(self) -> list[int]:
        return [int(v) for v in self.campaign_ids.data or ()]


class NewPartnerForm(PartnerForm):
    slug = StringField(
        _l("Slug"),
        validators=[
            InputRequired(message=_l("Give the organisation a slug.")),
            Regexp(
                r"^[a-z0-9][a-z0-9-]{0,79}$",
                message=_l("Lowercase letters, digits and '-', at most 80, such as oim-peru."),
            ),
        ],
    )

    def values(self) -> dict[str, Any]:
        return {**super().values(), "slug": self.slug.data}


# ----------------------------------------------------------------------------------- users


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[at_most(200)])
    role = SelectField(_l("Role"), validate_choice=False)
    partner_id = SelectField(_l("Organisation"), validate_choice=False)
    lock_version = HiddenField()

    def set_choices(self, partners: Sequence[Any]) -> None:
        self.role.choices = [(r.value, role_label(r.value)) for r in Role]
        self.partner_id.choices = [
            ("", _("None (staff)")),
            *((str(p.id), p.name) for p in partners),
        ]

    def validate_role(self, field: Field) -> None:
        if field.data not in {r.value for r in Role}:
            raise ValidationError(_l("Choose one of the roles in the list."))

    def validate_partner_id(self, field: Field) -> None:
        if field.data and field.data not in {value for value, _label in field.choices or ()}:
            raise ValidationError(_l("Choose an organisation from the list."))
        if self.role.data == Role.PARTNER and not field.data:
            raise ValidationError(_l("A partner user belongs to an organisation: choose it."))

    def organisation(self) -> int | None:
        # Staff belong to no organisation: one left chosen when the role changed is dropped.
        return int(self.partner_id.data) if self.role.data == Role.PARTNER else None


def _password(*validators: Any) -> PasswordField:
    return PasswordField(
        _l("Password"),
        validators=[
            *validators,
            Length(min=12, max=1024, message=_l("From 12 to 1024 characters.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class NewUserForm(UserForm):
    email = StringField(
        _l("E-mail"),
        validators=[
            InputRequired(message=_l("Give the person's e-mail address.")),
            at_most(254),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message=_l("An e-mail address such as ana@example.org."),
            ),
        ],
        render_kw={"autocomplete": "off", "type": "email"},
    )
    password = _password(InputRequired(message=_l("Give a first password.")))


class EditUserForm(UserForm):
    active = BooleanField(_l("Active: may sign in"))
    password = _password(Optional())


# ---------------------------------------------------------------------------------- tokens


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name of the token"),
        validators=[
            DataRequired(message=_l("Name the token after where it is used, such as laptop.")),
            at_most(100),
        ],
    )


class ConfirmForm(FlaskForm):
    """The second step of revoking a token: sent only from the page that asks to confirm."""


# -------------------------------------------------------------------------------- refusals


@dataclass(frozen=True)
class Refusal:
    """A service error recognised by its kind and the start of its (English) detail, and the
    field it concerns with the words to show there: the services speak English to the API."""

    kind: type[ServiceError]
    starts: str
    field: str
    text: Any


PHASE_REFUSALS = (
    Refusal(Invalid, "ends_on", "ends_on", _l("The last day is before the first day.")),
    Refusal(NotFound, "unknown hub", "hub_ids", _l("One of the ticked hubs does not exist.")),
    Refusal(NotFound, "no campaign", "campaign_id", _l("This campaign does not exist any more.")),
    Refusal(Conflict, "", "number", _l("Another phase of this campaign already has this number.")),
)
PARTNER_REFUSALS = (
    Refusal(NotFound, "", "campaign_ids", _l("One of the ticked campaigns does not exist.")),
    Refusal(Conflict, "", "slug", _l("Another organisation already has this slug.")),
)
USER_REFUSALS = (
    Refusal(Invalid, "the password", "password", None),  # already in the reader's language
    Refusal(Invalid, "'", "email", _l("An e-mail address such as ana@example.org.")),
    Refusal(
        Conflict, "a user with e-mail", "email", _l("There is already a user with this e-mail.")
    ),
    Refusal(
        Conflict,
        "you cannot change your own role",
        "role",
        _l(
            "You cannot change your own role or deactivate yourself: another administrator "
            "must do it, so that someone can always manage the accounts."
        ),
    ),
    Refusal(
        Invalid,
        "a partner user needs",
        "partner_id",
        _l("A partner user belongs to an organisation: choose it."),
    ),
    Refusal(
        Invalid,
        "only partner users",
        "partner_id",
        _l("Only partner users belong to an organisation."),
    ),
    Refusal(
        NotFound, "unknown partner", "partner_id", _l("This organisation does not exist any more.")
    ),
    Refusal(Invalid, "role must be", "role", _l("Choose one of the roles in the list.")),
)


def explain(exc: ServiceError, form: FlaskForm, refusals: Sequence[Refusal]) -> None:
    """Mark the field a service refusal concerns, in the reader's language; a refusal not
    recognised is shown above the form as the service gave it."""
    for rule in refusals:
        if isinstance(exc, rule.kind) and exc.detail.startswith(rule.starts) and rule.field in form:
            form[rule.field].errors = [str(rule.text) if rule.text else exc.detail]
            return
    form.form_errors.append(_("It could not be saved: %(reason)s", reason=exc.detail))
