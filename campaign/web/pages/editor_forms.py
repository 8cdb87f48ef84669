"""The editor's forms (list filters, a message with texts per language) and its warning texts."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from campaign.services.drafting_checks import DraftWarning
from campaign.web.pages.vocabulary import language_label, status_label

TEXT_NAMES = ("headline", "body", "call_to_action", "hotline")
STATUSES = ("draft", "in_review", "approved", "paused", "retired")


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters, please shorten it."))


class ListFilterForm(FlaskForm):
    """The list's filters: GET query arguments, so no CSRF token; a bad value is an error."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status of the newest version"), validate_choice=False)
    topic = SelectField(_l("Topic"), validate_choice=False)
    completeness = SelectField(_l("Languages"), validate_choice=False)
    page = IntegerField(
        _l("Page"),
        validators=[
            Optional(),
            NumberRange(min=1, max=100_000, message=_l("A page number from 1 on.")),
        ],
    )

    def set_choices(self, topics: list[str]) -> None:
        every = ("", _l("All"))
        self.status.choices = [every, *((s, status_label(s)) for s in STATUSES)]
        self.topic.choices = [every, *((t, t) for t in topics)]
        self.completeness.choices = [
            every,
            ("complete", _l("Every language written")),
            ("incomplete", _l("A language is missing")),
        ]

    def validate_status(self, field: Field) -> None:
        if field.data and field.data not in STATUSES:
            raise ValidationError(
                _l("«%(value)s» is not a status; choose one from the list.", value=field.data)
            )

    def validate_topic(self, field: Field) -> None:
        if field.data and field.data not in {value for value, _ in self.topic.choices}:
            raise ValidationError(
                _l(
                    "No message has the topic «%(value)s»; choose one from the list.",
                    value=field.data,
                )
            )

    def validate_completeness(self, field: Field) -> None:
        if field.data and field.data not in ("complete", "incomplete"):
            raise ValidationError(
                _l("«%(value)s» is not a choice; choose one from the list.", value=field.data)
            )


class TextForm(Form):
    """One language's texts (a sub-form: the message form carries the CSRF token)."""

    headline = StringField(_l("Headline"), validators=[_at_most(300)])
    body = TextAreaField(_l("Body"), validators=[_at_most(2000)])
    call_to_action = StringField(_l("Call to action"), validators=[_at_most(300)])
    hotline = StringField(_l("Hotline"), validators=[_at_most(40)])


class MessageForm(FlaskForm):
    language_codes: tuple[str, ...] = ()
    topic = StringField(_l("Topic"), validators=[_at_most(80)])
    link = StringField(
        _l("Link"),
        validators=[
            _at_most(500),
            Regexp(
                r"^(https://\S+)?$",
                message=_l("A link starting with https://, without spaces; or leave it empty."),
            ),
        ],
    )

    def languages(self) -> list[tuple[str, Any]]:
        """(language, its sub-form) in the campaign's order."""
        return [(lang, self[lang].form) for lang in self.language_codes]

    def texts(self) -> dict[str, dict[str, str]]:
        return {
            lang: {name: (sub[name].data or "") for name in TEXT_NAMES}
            for lang, sub in self.languages()
        }


class NewMessageForm(MessageForm):
    campaign_id = SelectField(_l("Campaign"), validate_choice=False)
    key = StringField(
        _l("Key"),
        validators=[
            InputRequired(message=_l("Give the message a key.")),
            Regexp(
                r"^[a-z0-9][a-z0-9-]{0,79}$",
                message=_l(
                    "Lowercase letters, digits and '-', at most 80, such as where-to-report."
                ),
            ),
        ],
    )

    def validate_campaign_id(self, field: Field) -> None:
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError(_l("Choose one of the campaigns in the list."))


class EditMessageForm(MessageForm):
    lock_version = HiddenField()


def message_form(kind: type[MessageForm], languages: tuple[str, ...], **kwargs: Any) -> MessageForm:
    """A message form with a set of text fields for each of the campaign's languages, named
    `es-headline`, `en-body`, ...; they are built per campaign, as the languages differ."""
    fields = {lang: FormField(TextForm, label=language_label(lang)) for lang in languages}
    form_class = type(kind.__name__, (kind,), fields)
    form = form_class(**kwargs)
    form.language_codes = languages
    return form


def _language(code: str) -> str:
    """ "es" → Spanish; "es+en" → the bilingual Spanish and English slide."""
    if "+" in code:
        names = [language_label(c) for c in code.split("+")]
        return _("bilingual %(languages)s", languages=" + ".join(names))
    return language_label(code)


def warning_text(warning: DraftWarning) -> str:
    """A warning about unsaved texts, in the reader's language."""
    p = dict(warning.params)
    if "lang" in p:
        p["language"] = _language(p.pop("lang"))
    if "width" in p:
        p["screen"] = f"{status_label('portrait' if p['height'] > p['width'] else 'landscape')} "
        p["screen"] += f"{p.pop('width')}×{p.pop('height')}"
    texts = {
        "missing_language": lambda: _(
            "%(language)s: the headline or the body is empty. Every language needs both before "
            "the message can be sent for review.",
            **p,
        ),
        "hotline_differs": lambda: _(
            "The hotline differs between languages (%(hotlines)s): travellers should see the "
            "same number in every language.",
            **p,
        ),
        "link_differs": lambda: _(
            "The links in the body differ between languages (%(links)s).",
            **p,
        ),
        "reading_time": lambda: _(
            "%(language)s: reading it takes about %(seconds)s s, longer than the %(slot)s s "
            "slot it gets; screens keep it up longer and the loop runs late. Shorten it.",
            **p,
        ),
        "too_long": lambda: _(
            "%(screen)s, %(language)s: the body is too long to fit at a legible size; cut "
            "about %(cut)s words. Approval would refuse it.",
            **p,
        ),
        "link_too_long": lambda: _(
            "%(screen)s: the link is too long for a QR code that can be scanned from a few "
            "metres; use a shorter link.",
            **p,
        ),
        "partners_too_long": lambda: _(
            "%(screen)s: the partner names do not fit in the footer.",
            **p,
        ),
        "word_too_long": lambda: _(
            "%(screen)s, %(language)s: a word is too long to fit at a legible size; shorten "
            "it or split it with a space.",
            **p,
        ),
        "does_not_fit": lambda: _(
            "%(screen)s, %(language)s: the text does not fit at a legible size even with a "
            "shorter body; shorten the headline or the call to action.",
            **p,
        ),
        "not_legible": lambda: _(
            "%(screen)s, %(language)s: the slide would not be legible (%(detail)s).",
            **p,
        ),
        "contrast": lambda: _(
            "The campaign's text colour has a contrast of %(ratio)s:1 against its background; "
            "at least 4.5:1 is needed, so approval would refuse every slide. Change the "
            "campaign's colours.",
            **p,
        ),
    }
    return texts[warning.code]() if warning.code in texts else warning.code


def cannot_draw_text(reason: str) -> str:
    """Why a preview cannot be drawn, in the reader's language."""
    if reason == "empty":
        return _("Nothing to show yet: write a headline or a body.")
    if reason == "does_not_fit":
        return _("The text does not fit this screen at a legible size; see the warnings.")
    return _("This slide cannot be drawn legibly; see the warnings.")
