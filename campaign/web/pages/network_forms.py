"""The network pages' forms (hub, zone, screen, confirmations) and the words for their values."""

from __future__ import annotations

import functools
import re
from typing import Any
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FloatField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.validators import ValidationError as Refused
from wtforms.widgets import TextInput

from campaign.domain import venue_types
from campaign.domain.model import HubKind, LanguagePolicy, Orientation
from campaign.web.pages.vocabulary import LANGUAGE_LABELS, language_label, status_label

HUB_KINDS = {
    HubKind.AIRPORT.value: _l("airport"),
    HubKind.BORDER_CROSSING.value: _l("border crossing"),
    HubKind.BUS_TERMINAL.value: _l("bus terminal"),
    HubKind.PORT.value: _l("port"),
    HubKind.TOURIST_AREA.value: _l("tourist area"),
}
POLICIES = {
    LanguagePolicy.PAIR.value: _l("every language, one after the other"),
    LanguagePolicy.ALTERNATE.value: _l("one language a slot, taking turns"),
    LanguagePolicy.BILINGUAL.value: _l("every language on one slide"),
}
HEALTH = {"online": _l("online"), "offline": _l("offline"), "never_seen": _l("never seen")}
VENUE_PARENTS = {
    "Transit": _l("Transit"),
    "Outdoor": _l("Outdoor"),
    "Leisure": _l("Leisure"),
    "Retail": _l("Retail"),
}
# The taxonomy's English names (campaign.domain.venue_types), marked here for the catalogues.
VENUE_NAMES = {
    "transit.airports": _l("Airports (anywhere in the terminal)"),
    "transit.airports.arrivals_hall": _l("Arrival hall"),
    "transit.airports.baggage_claim": _l("Baggage claim"),
    "transit.airports.departures_hall": _l("Departures hall"),
    "transit.airports.food_court": _l("Food court"),
    "transit.airports.gates": _l("Gates"),
    "transit.airports.lounges": _l("Lounges"),
    "transit.airports.shopping_area": _l("Shopping area"),
    "transit.buses": _l("Buses (on board or at stops)"),
    "transit.buses.bus": _l("Bus"),
    "transit.buses.terminal": _l("Bus terminal"),
    "transit.train_stations": _l("Train stations"),
    "transit.train_stations.train": _l("Train"),
    "transit.train_stations.platform": _l("Platform"),
    "transit.subway": _l("Subway"),
    "transit.subway.train": _l("Subway train"),
    "transit.subway.platform": _l("Platform"),
    "transit.ferry": _l("Ferry"),
    "outdoor.urban_panels": _l("Urban panels"),
    "outdoor.bus_shelters": _l("Bus shelters"),
    "outdoor.billboards": _l("Billboards"),
    "entertainment.recreational": _l("Recreational locations"),
    "entertainment.recreational.theme_parks": _l("Theme parks"),
    "entertainment.recreational.museums_galleries": _l("Museums and galleries"),
    "entertainment.hotels": _l("Hotels"),
    "entertainment.hotels.lobby": _l("Hotel lobby"),
    "entertainment.casual_dining": _l("Casual dining"),
    "entertainment.qsr": _l("Quick-service restaurants"),
    "entertainment.bars": _l("Bars"),
    "retail.malls": _l("Malls"),
    "retail.malls.concourse": _l("Mall concourse"),
    "retail.malls.food_court": _l("Mall food court"),
    "retail.convenience_store": _l("Convenience stores"),
    "retail.parking_garages": _l("Parking garages"),
}


def venue_label(code: str) -> str:
    """ "Arrival hall (10101, transit.airports.arrivals_hall)" in the reader's language."""
    found = venue_types.venue_type(code)
    if found is None:
        return code
    return f"{VENUE_NAMES.get(code, found.name)} ({found.id}, {code})"


def venue_name(code: str) -> str:
    found = venue_types.venue_type(code)
    return str(VENUE_NAMES.get(code, found.name)) if found else code


def policy_label(value: str | None) -> str:
    if not value:
        return ""
    if value in POLICIES:
        return str(POLICIES[value])
    return str(_l("only %(language)s", language=language_label(value)))


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters, please shorten it."))


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _chosen(field: Field, message: Any = None) -> None:
    """Refuse a value that is not one of the field's choices (a tampered or stale form)."""
    if (field.data or "") not in {c.value for c in field.choices}:
        raise Refused(message or _l("Choose one of the options in the list."))


@functools.cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


class DecimalCommaField(FloatField):
    """A number that also takes a decimal comma, as people in Peru write it (a text box: a
    browser's number box refuses the comma in some languages)."""

    widget = TextInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].strip().replace(",", ".")]
        super().process_formdata(valuelist)


_GROUPED = re.compile(r"^\d{1,3}([ .,'\u00a0\u202f]\d{3})+$")


class GroupedIntegerField(IntegerField):
    """A whole number that may be written with thousands separators: 24 000 000, 24.000.000."""

    widget = TextInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str):
            text = valuelist[0].strip()
            valuelist = [re.sub(r"\D", "", text) if _GROUPED.match(text) else text]
        super().process_formdata(valuelist)


def _policy_choices(current: str | None, inherit: Any) -> list[SelectChoice]:
    choices = [SelectChoice("", str(inherit))]
    choices += [SelectChoice(v, str(label)) for v, label in POLICIES.items()]
    for code in LANGUAGE_LABELS:
        choices.append(SelectChoice(code, policy_label(code)))
    if current and current not in {c.value for c in choices}:
        choices.append(SelectChoice(current, policy_label(current)))  # keep what is stored
    return choices


class HubForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[_upper],
        validators=[
            InputRequired(message=_l("Give the hub a code.")),
            Regexp(
                r"^[A-Z0-9][A-Z0-9_-]{0,11}$",
                message=_l("Capital letters, digits, '-' and '_', at most 12, such as LIM."),
            ),
        ],
    )
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[InputRequired(message=_l("Give the hub a name.")), _at_most(200)],
    )
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k, str(v)) for k, v in HUB_KINDS.items()],
        validate_choice=False,
    )
    region = StringField(_l("Region"), filters=[_strip], validators=[_at_most(120)])
    timezone = StringField(
        _l("Timezone"),
        filters=[_strip],
        default="America/Lima",
        validators=[InputRequired(message=_l("Give the hub's timezone, such as America/Lima."))],
        render_kw={"list": "timezones", "autocomplete": "off", "spellcheck": "false"},
    )
    latitude = DecimalCommaField(
        _l("Latitude"),
        validators=[
            Optional(),
            NumberRange(-90, 90, message=_l("A latitude from -90 to 90, such as -12.0219.")),
        ],
        render_kw={"inputmode": "decimal"},
    )
    longitude = DecimalCommaField(
        _l("Longitude"),
        validators=[
            Optional(),
            NumberRange(-180, 180, message=_l("A longitude from -180 to 180, such as -77.1143.")),
        ],
        render_kw={"inputmode": "decimal"},
    )
    yearly_passengers = GroupedIntegerField(
        _l("Passengers a year"),
        validators=[
            Optional(),
            NumberRange(0, 2**31 - 1, message=_l("A whole number of passengers, 0 or more.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    version = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The kinds' words in the reader's language: the class attribute was built at import.
        self.kind.choices = [SelectChoice(k, str(v)) for k, v in HUB_KINDS.items()]

    def validate_kind(self, field: Field) -> None:
        _chosen(field)

    def validate_timezone(self, field: Field) -> None:
        if field.data and field.data not in _timezones():
            raise Refused(
                _l(
                    "«%(value)s» is not a timezone; write one such as America/Lima.",
                    value=field.data,
                )
            )

    def values(self) -> dict[str, Any]:
        names = ("name", "kind", "region", "timezone", "latitude", "longitude")
        values = {n: self[n].data for n in names}
        values["region"] = values["region"] or ""
        values["yearly_passengers"] = self.yearly_passengers.data
        return values


def venue_choices(hub_kind: str | None, current: str = "") -> list[SelectChoice]:
    """The venue types grouped by category (those usual for the hub's kind first), each with
    its taxonomy id and code; an unknown stored code is kept as a choice of its own."""
    choices = [SelectChoice("", str(_l("None chosen")))]
    for category in venue_types.categories_for(hub_kind):
        group = (
            f"{VENUE_PARENTS.get(category.parent, category.parent)}: {venue_name(category.code)}"
        )
        choices += [
            SelectChoice(t.code, venue_label(t.code), optgroup=group) for t in category.types
        ]
    if current and not venue_types.is_known(current):
        group = str(_l("Not in the OpenOOH taxonomy"))
        choices.append(SelectChoice(current, current, optgroup=group))
    return choices


class ZoneForm(FlaskForm):
    hub = SelectField(_l("Hub"), validate_choice=False)
    code = StringField(
        _l("Code"),
        filters=[_upper],
        validators=[
            InputRequired(message=_l("Give the zone a code.")),
            Regexp(
                r"^[A-Z0-9][A-Z0-9_-]{0,23}$",
                message=_l("Capital letters, digits, '-' and '_', at most 24, such as DEP."),
            ),
        ],
    )
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[InputRequired(message=_l("Give the zone a name.")), _at_most(200)],
    )
    venue_type = SelectField(_l("OpenOOH venue type"), validate_choice=False)
    language_policy = SelectField(_l("Languages on its screens"), validate_choice=False)
    version = HiddenField()

    def set_choices(self, hubs: list[Any], hub_kind: str | None, current: dict[str, Any]) -> None:
        self.hub.choices = [SelectChoice(str(h.id), f"{h.code} · {h.name}") for h in hubs]
        self.venue_type.choices = venue_choices(hub_kind, current.get("venue_type") or "")
        self.language_policy.choices = _policy_choices(
            current.get("language_policy"), _l("Every language, one after the other (default)")
        )

    def validate_hub(self, field: Field) -> None:
        _chosen(field, _l("Choose one of the hubs in the list."))

    def validate_venue_type(self, field: Field) -> None:
        _chosen(field)

    def validate_language_policy(self, field: Field) -> None:
        _chosen(field)

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "venue_type": self.venue_type.data or "",
            "language_policy": self.language_policy.data or None,
        }


class ScreenForm(FlaskForm):
    zone = SelectField(_l("Zone"), validate_choice=False)
    code = StringField(
        _l("Code"),
        filters=[_upper],
        validators=[
            InputRequired(message=_l("Give the screen a code.")),
            Regexp(
                r"^[A-Z0-9][A-Z0-9_-]{0,39}$",
                message=_l("Capital letters, digits, '-' and '_', at most 40, such as LIM-DEP-03."),
            ),
        ],
    )
    name = StringField(_l("Name"), filters=[_strip], validators=[_at_most(200)])
    orientation = SelectField(
        _l("Orientation"),
        choices=[SelectChoice(o.value, status_label(o.value)) for o in Orientation],
        validate_choice=False,
    )
    width = IntegerField(
        _l("Width in pixels"),
        validators=[
            InputRequired(message=_l("Give the width in pixels.")),
            NumberRange(1, 16384, message=_l("A whole number of pixels from 1 to 16384.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    height = IntegerField(
        _l("Height in pixels"),
        validators=[
            InputRequired(message=_l("Give the height in pixels.")),
            NumberRange(1, 16384, message=_l("A whole number of pixels from 1 to 16384.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    language_policy = SelectField(_l("Languages"), validate_choice=False)
    version = HiddenField()

    def set_choices(self, zones: list[Any], current: str | None) -> None:
        self.zone.choices = [
            SelectChoice(str(z.id), f"{z.code} · {z.name}", optgroup=f"{z.hub_code} · {z.hub_name}")
            for z in zones
        ]
        self.language_policy.choices = _policy_choices(current, _l("As its zone says"))

    def validate_zone(self, field: Field) -> None:
        _chosen(field, _l("Choose one of the zones in the list."))

    def validate_language_policy(self, field: Field) -> None:
        _chosen(field)

    def validate_orientation(self, field: Field) -> None:
        _chosen(field)
        width, height = self.width.data, self.height.data
        if not isinstance(width, int) or not isinstance(height, int) or width == height:
            return
        if (field.data == Orientation.LANDSCAPE.value) != (width > height):
            raise Refused(
                _l(
                    "%(width)s×%(height)s pixels is not %(orientation)s: swap the width and "
                    "height, or choose the other orientation.",
                    width=width,
                    height=height,
                    orientation=status_label(field.data),
                )
            )

    def values(self) -> dict[str, Any]:
        return {
            "zone_id": int(self.zone.data),
            "name": self.name.data or "",
            "orientation": self.orientation.data,
            "width": self.width.data,
            "height": self.height.data,
            "language_policy": self.language_policy.data or None,
        }


class ConfirmForm(FlaskForm):
    """A button that changes something: only its CSRF token is checked."""


def version_of(form: FlaskForm) -> int | None:
    text = form.version.data
    return int(text) if isinstance(text, str) and text.isdigit() and len(text) < 10 else None


def set_version(form: FlaskForm, version: int) -> None:
    """Send the current version back with the form (what was posted would be shown again)."""
    form.version.data, form.version.raw_data = str(version), [str(version)]
