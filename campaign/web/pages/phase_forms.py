"""The forms of a phase's page: a funding decision, cancelling, and new dates to preview."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from campaign.domain.model import FundingStatus
from campaign.web.i18n import local_date
from campaign.web.pages.admin_forms import (
    MAX_BUDGET,
    AmountField,
    at_most,
    currency_field,
    day_field,
)
from campaign.web.pages.vocabulary import status_label


class FundingForm(FlaskForm):
    status = SelectField(_l("Decision"), validate_choice=False)
    amount = AmountField(
        _l("Amount"),
        validators=[Optional()],
        thousands=True,
        invalid_value_message=_l("The amount must be a number such as 45000 or 45000.50."),
    )
    currency = currency_field()
    note = TextAreaField(_l("Note"), validators=[at_most(500)], render_kw={"rows": "2"})

    def set_choices(self) -> None:
        self.status.choices = [(s.value, status_label(s.value)) for s in FundingStatus]

    def validate_status(self, field: Field) -> None:
        if field.data not in {s.value for s in FundingStatus}:
            raise ValidationError(_l("Choose pending, confirmed or declined."))

    def validate_amount(self, field: Field) -> None:
        if field.data is not None and (
            field.data >= MAX_BUDGET or field.data.as_tuple().exponent < -2  # type: ignore[operator]
        ):
            raise ValidationError(
                _l("An amount below one trillion, with at most two decimals, such as 45000.50.")
            )

    def values(self) -> dict[str, Any]:
        amount: Decimal | None = self.amount.data
        return {
            "status": self.status.data,
            "amount": amount,
            "currency": self.currency.data,
            "note": (self.note.data or "").strip(),
        }


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Say why the phase is cancelled: it is kept on record.")),
            at_most(300),
        ],
        render_kw={"rows": "3"},
    )


class DatesForm(FlaskForm):
    """New dates for a phase: previewed first, then applied with the version previewed."""

    starts_on = day_field(_l("First day"), InputRequired(message=_l("Give the first day.")))
    ends_on = day_field(_l("Last day"), InputRequired(message=_l("Give the last day.")))
    lock_version = HiddenField()
    fingerprint = HiddenField()

    def validate_ends_on(self, field: Field) -> None:
        starts = self.starts_on.data
        if field.data and starts and field.data < starts:
            raise ValidationError(
                _l("The last day is before the first day (%(day)s).", day=local_date(starts))
            )
