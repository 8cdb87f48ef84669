"""The bookings pages' forms (a booking, the list's filters, the timeline's) and their words."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from campaign.domain.model import WEEKDAYS
from campaign.services.booking_pages import STATES, MessageOption, Options, TargetOption
from campaign.web.pages.vocabulary import status_label

WEEKDAY_LABELS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)
KIND_LABELS = {
    "phase": _l("A whole phase (every hub in it)"),
    "hub": _l("A whole hub"),
    "zone": _l("One zone"),
    "screen": _l("One screen"),
    "venue": _l("Every zone of one venue type, in every hub"),
}
KIND_NAMES = {
    "phase": _l("Phase"),
    "hub": _l("Hub"),
    "zone": _l("Zone"),
    "screen": _l("Screen"),
    "venue": _l("Venue type"),
}
# OpenOOH venue types in use at Peruvian hubs; others are shown by their code.
VENUE_NAMES = {
    "transit.airports.arrivals_hall": _l("Airport arrivals halls"),
    "transit.airports.departures_hall": _l("Airport departures halls"),
    "transit.airports.departures": _l("Airport departures"),
    "transit.airports.gates": _l("Airport boarding gates"),
    "transit.airports.baggage_claim": _l("Airport baggage claim"),
    "transit.bus.terminal": _l("Bus terminals"),
    "transit.border_crossing": _l("Border crossings"),
}
STATE_LABELS = {
    "running": _l("running"),
    "upcoming": _l("upcoming"),
    "ended": _l("ended"),
    "warning": _l("with a warning"),
}


def venue_name(code: str) -> str:
    return str(VENUE_NAMES.get(code, code))


def target_label(target: TargetOption) -> str:
    """A target by its name first, its code after: "Hall de llegadas (LIM/ARR)"."""
    if target.kind == "venue":
        name = venue_name(target.code)
        where = f" – {target.detail}" if target.detail else ""
        return f"{name} ({target.code}){where}" if name != target.code else f"{name}{where}"
    # A phase's name says which phase it is; the others' codes are how people know them too.
    plain = target.kind == "phase" or target.name == target.code
    label = target.name if plain else f"{target.name} ({target.code})"
    return f"{label} – {target.detail}" if target.detail else label


def message_label(message: MessageOption) -> str:
    """A message by its headline, with its status when the screens would not show it."""
    label = f"{message.headline} ({message.key})"
    if message.status != "approved":
        label += f" – {status_label(message.status)}"
    return label


class _Parsed:
    """Fields whose unreadable input is refused in our words (and our catalogue)."""

    unreadable: Any = _l("Not readable.")

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError:
            self.data = None
            raise ValueError(str(self.unreadable)) from None


class DateInput(StringField):
    """A date as the browser's date picker sends it (2026-12-01)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data = None
        if self.raw:
            try:
                self.data = date.fromisoformat(self.raw)
            except ValueError:
                raise ValueError(str(_l("A date such as 2026-12-01, please."))) from None

    def _value(self) -> str:
        if self.data:
            return self.data.isoformat()
        return getattr(self, "raw", "") or ""

    def __call__(self, **kwargs: Any) -> Any:
        kwargs.setdefault("type", "date")
        return super().__call__(**kwargs)


class TimeInput(StringField):
    """A wall-clock time, 24-hour (22:00)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data = None
        if self.raw:
            try:
                self.data = datetime.strptime(self.raw[:5], "%H:%M").time()
            except ValueError:
                raise ValueError(str(_l("A time such as 22:00, please."))) from None

    def _value(self) -> str:
        if isinstance(self.data, time):
            return self.data.strftime("%H:%M")
        return getattr(self, "raw", "") or ""

    def __call__(self, **kwargs: Any) -> Any:
        kwargs.setdefault("type", "time")
        return super().__call__(**kwargs)


class Whole(_Parsed, IntegerField):
    unreadable = _l("A whole number, please.")


class DaysField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _in_range(low: int, high: int) -> NumberRange:
    return NumberRange(
        min=low, max=high, message=_l("A whole number from %(min)s to %(max)s, please.")
    )


class BookingForm(FlaskForm):
    message = SelectField(_l("Message"), validate_choice=False)
    target = SelectField(_l("Where it plays"), validate_choice=False)
    key = StringField(
        _l("Key"),
        validators=[
            Optional(),
            Regexp(
                r"^[a-z0-9][a-z0-9-]{0,79}$",
                message=_l("Lowercase letters, digits and '-', at most 80, such as lima-evenings."),
            ),
        ],
    )
    starts_on = DateInput(
        _l("First day"), validators=[InputRequired(message=_l("Give the first day."))]
    )
    ends_on = DateInput(
        _l("Last day"), validators=[InputRequired(message=_l("Give the last day."))]
    )
    weekdays = DaysField(
        _l("Days of the week"),
        validate_choice=False,
        choices=[SelectChoice(d, label) for d, label in zip(WEEKDAYS, WEEKDAY_LABELS, strict=True)],
    )
    window_start = TimeInput(_l("Daily from"))
    window_end = TimeInput(_l("Daily until"))
    weight = Whole(_l("Weight"), default=1, validators=[InputRequired(), _in_range(1, 100)])
    priority = Whole(_l("Priority"), default=0, validators=[InputRequired(), _in_range(0, 1000)])
    slot_duration_s = Whole(
        _l("Seconds per slot"), default=10, validators=[InputRequired(), _in_range(1, 300)]
    )
    orientation = SelectField(
        _l("Screen orientation"),
        validate_choice=False,
        choices=[
            SelectChoice("", _l("Any orientation")),
            SelectChoice("landscape", _l("Landscape screens only")),
            SelectChoice("portrait", _l("Portrait screens only")),
        ],
    )
    lock_version = HiddenField()

    def set_choices(self, options: Options, campaign_id: int | None = None) -> None:
        messages = [m for m in options.messages if campaign_id in (None, m.campaign_id)]
        several = len({m.campaign_id for m in messages}) > 1
        self.message.choices = [
            SelectChoice("", "—"),
            *(
                SelectChoice(str(m.id), message_label(m), optgroup=m.campaign if several else None)
                for m in messages
            ),
        ]
        self.target.choices = [
            SelectChoice("", "—"),
            *(
                SelectChoice(t.value, target_label(t), optgroup=str(KIND_LABELS[t.kind]))
                for t in options.targets
            ),
        ]

    def _offered(self, field: SelectField) -> set[str]:
        return {choice.value for choice in field.choices if choice.value}

    def validate_message(self, field: Field) -> None:
        if field.data not in self._offered(self.message):
            raise ValidationError(_l("Choose one of the messages in the list."))

    def validate_target(self, field: Field) -> None:
        if field.data not in self._offered(self.target):
            raise ValidationError(_l("Choose where it plays from the list."))

    def validate_weekdays(self, field: Field) -> None:
        if not field.data or any(d not in WEEKDAYS for d in field.data):
            raise ValidationError(_l("Choose at least one day of the week."))

    def validate_orientation(self, field: Field) -> None:
        if field.data not in (None, "", "landscape", "portrait"):
            raise ValidationError(_l("Choose one from the list."))

    def validate_ends_on(self, field: Field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day comes before the first day."))

    def validate_window_end(self, field: Field) -> None:
        start, end = self.window_start.data, field.data
        if (start is None) != (end is None) and not self.window_start.errors and not field.errors:
            raise ValidationError(_l("Give both times of the daily window, or neither."))
        if start is not None and start == end:
            raise ValidationError(
                _l("The window ends where it starts: leave both times empty to play all day.")
            )

    def values(self) -> dict[str, Any]:
        """What the booking service is given."""
        return {
            "message_id": int(self.message.data),
            "target": self.target.data,
            "key": self.key.data or "",
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "weekdays": list(self.weekdays.data or []),
            "window_start": self.window_start.data,
            "window_end": self.window_end.data,
            "weight": self.weight.data,
            "priority": self.priority.data,
            "slot_duration_s": self.slot_duration_s.data,
            "orientation": self.orientation.data or None,
        }


# A refusal from the service names the API's field; the form marks its own.
SERVICE_FIELDS = {
    "message_id": "message",
    "message_key": "message",
    "campaign_id": "message",
    "campaign_slug": "message",
    "key": "key",
    "starts_on": "starts_on",
    "ends_on": "ends_on",
    "window_start": "window_start",
    "window_end": "window_end",
    "weekdays": "weekdays",
}


class ListFilterForm(FlaskForm):
    """The list's filters: GET arguments, no CSRF token; a value not offered is an error."""

    class Meta:
        csrf = False

    message = SelectField(_l("Message"), validate_choice=False)
    hub = SelectField(_l("Hub"), validate_choice=False)
    state = SelectField(_l("Which ones"), validate_choice=False)
    page = Whole(_l("Page"), validators=[Optional(), _in_range(1, 100_000)])

    def set_choices(self, options: Options) -> None:
        every = ("", str(_l("All")))
        self.message.choices = [every, *((str(m.id), message_label(m)) for m in options.messages)]
        self.hub.choices = [every, *((code, f"{name} ({code})") for code, name in options.hubs)]
        self.state.choices = [every, *((s, str(STATE_LABELS[s])) for s in STATES)]

    def _check(self, field: Field) -> None:
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose one from the list."))

    validate_message = validate_hub = validate_state = _check


class TimelineForm(FlaskForm):
    class Meta:
        csrf = False

    hub = SelectField(_l("Hub"), validate_choice=False)
    zone = SelectField(_l("Zone"), validate_choice=False)
    week = DateInput(_l("Week of"))

    def _check(self, field: Field) -> None:
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose one from the list."))

    validate_hub = validate_zone = _check
