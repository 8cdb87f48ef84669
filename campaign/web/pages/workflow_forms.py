"""The message page's forms: the workflow steps, reasons, comments, and the confirmation step."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import HiddenInput

# The reviewer's words are stored as comments: long enough to explain, short enough to read.
MAX_TEXT = 4000


def _number() -> IntegerField:
    # The version the person saw: the step acts on it only if it is still the newest.
    return IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class VersionForm(FlaskForm):
    """Submit, withdraw, approve: a button that names the version it acts on."""

    number = _number()


class RejectForm(FlaskForm):
    number = _number()
    reason = TextAreaField(
        _l("What must change"),
        validators=[
            DataRequired(message=_l("Say what must change: the authors read it with the draft.")),
            Length(max=MAX_TEXT, message=_l("At most %(max)d characters.")),
        ],
    )


class CommentForm(FlaskForm):
    number = _number()
    body = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(message=_l("Write the comment first.")),
            Length(max=MAX_TEXT, message=_l("At most %(max)d characters.")),
        ],
    )


class ConfirmForm(FlaskForm):
    """The second step of pause, resume and retire: sent only from the page that says what the
    screens will do."""

    confirmed = HiddenField()


class CompareForm(FlaskForm):
    """Which two versions to compare (a GET form: no CSRF needed to read)."""

    class Meta:
        csrf = False

    old = SelectField(_l("Compare version"), coerce=int, validate_choice=False)
    new = SelectField(_l("with version"), coerce=int, validate_choice=False)
