"""POST pairings and claim: a new player shows a code, then collects its screen's token."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NoReturn

from flask import Response, current_app, jsonify, url_for
from flask_smorest import Blueprint, abort
from marshmallow import EXCLUDE, Schema, fields, validate

from campaign.extensions import limiter
from campaign.services import clock, pairing
from campaign.services.errors import ServiceError
from campaign.web.api.common import JsonTypesParser
from campaign.web.player.schemas import PlayerErrorSchema

blp = Blueprint(
    "player_pairings",
    __name__,
    url_prefix="/api/v1/player",
    description="Pairing a new player with a screen: a code to show, then the screen's token.",
)
blp.ARGUMENTS_PARSER = JsonTypesParser()
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}
_NO_STORE = {"Cache-Control": "no-store"}  # a secret or a token is in the answer alone


class UtcInstant(fields.DateTime):
    """An instant in UTC, to the second, with a Z: as the playlist writes its instants."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class PairingStartSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # a newer player may say more than this server reads

    player = fields.String(
        allow_none=True,
        validate=validate.Length(max=pairing.PLAYER_MAX),
        metadata={"description": "What the player is (software, version, device), free text"},
    )


class PairingStartedSchema(Schema):
    code = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$"),
        metadata={"description": "Show it large; a manager types it in", "example": "ABCD-EFGH"},
    )
    secret = fields.String(
        required=True,
        validate=validate.Length(min=43),
        metadata={"description": "Keep it to yourself: it collects the token, never in a URL"},
    )
    expires_at = UtcInstant(required=True)
    pair_url = fields.String(
        required=True, metadata={"description": "The manager's pairing page, with the code in it"}
    )
    qr_svg = fields.String(
        required=True, metadata={"description": "An SVG QR code of pair_url, to show inline"}
    )
    poll_after_s = fields.Integer(required=True, validate=validate.Range(min=1))


class ClaimSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    secret = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The secret POST /pairings gave"},
    )


class ClaimWaitingSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["waiting"]))
    expires_at = UtcInstant(required=True)
    poll_after_s = fields.Integer(required=True, validate=validate.Range(min=1))


class PairedScreenSchema(Schema):
    code = fields.String(required=True, metadata={"example": "LIM-ARR-01"})


class ClaimPairedSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["paired"]))
    token = fields.String(
        required=True, metadata={"description": "The screen's bearer token, given this once"}
    )
    screen = fields.Nested(PairedScreenSchema, required=True)


def _rate_limit() -> str:
    return str(current_app.config["PAIRING_RATE_LIMIT"])


def _over_the_limit() -> str:
    return (
        f"This address asked for more pairing codes than its limit ({_rate_limit()}). Show the "
        "code you have, or ask for a new one after Retry-After seconds."
    )


def _refuse(exc: ServiceError) -> NoReturn:
    headers = {}
    if getattr(exc, "retry_after", None):
        headers["Retry-After"] = str(exc.retry_after)  # type: ignore[attr-defined]
    abort(exc.status, message=exc.detail, headers=headers)


# Per address: no player has a token yet. Every call counts, a refused body too.
@blp.post("/pairings")
@limiter.limit(_rate_limit, error_message=_over_the_limit)
@blp.arguments(PairingStartSchema, required=False)
@blp.response(201, PairingStartedSchema, description="A code to show, and its secret to keep")
@blp.alt_response(400, schema=PlayerErrorSchema, description="Malformed JSON")
@blp.alt_response(422, schema=PlayerErrorSchema, description="Not a {player: ...} object")
@blp.alt_response(
    429,
    schema=PlayerErrorSchema,
    description="Too many codes asked for from this address: ask again after `Retry-After` seconds",
    headers=_RETRY_AFTER,
)
@blp.doc(security=[])
def start(body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """A pairing code for a player with no token yet. Show `code` (and the QR code of
    `pair_url`, the manager's page with the code in it) until `expires_at`; keep `secret` to
    yourself and send it to `/pairings/claim` every `poll_after_s` seconds. Codes are 8 of
    `ABCDEFGHJKLMNPQRSTUVWXYZ23456789`, shown as two halves of 4. `503` with `Retry-After` also
    when too many codes are waiting to be entered."""
    try:
        started = pairing.start_pairing(
            body.get("player"),
            now=clock.now(),
            pair_page=url_for("pairing.pair", _external=True),
        )
    except ServiceError as exc:
        _refuse(exc)
    return (
        {
            "code": started.code,
            "secret": started.secret,
            "expires_at": started.expires_at,
            "pair_url": started.pair_url,
            "qr_svg": started.qr_svg,
            "poll_after_s": started.poll_after_s,
        },
        201,
        _NO_STORE,
    )


# Not limited: players poll it every few seconds, and a secret of 256 bits is its own guard.
@blp.post("/pairings/claim")
@blp.arguments(ClaimSchema)
@blp.response(200, ClaimPairedSchema, description="Paired: the screen's token, given this once")
@blp.alt_response(202, schema=ClaimWaitingSchema, description="Not paired yet: ask again")
@blp.alt_response(400, schema=PlayerErrorSchema, description="Malformed JSON")
@blp.alt_response(404, schema=PlayerErrorSchema, description="No pairing has this secret")
@blp.alt_response(
    410,
    schema=PlayerErrorSchema,
    description="Expired, or its token already collected: ask for a new code",
)
@blp.alt_response(422, schema=PlayerErrorSchema, description="Not a {secret: ...} object")
@blp.doc(security=[])
def claim(body: dict[str, Any]) -> Any:
    """Whether a manager has paired the code yet: `202` waiting (ask again after
    `poll_after_s`), then `200` once with the screen's new token, which replaces its old one.
    Store it and send it as `Authorization: Bearer <token>`; the pairing is then used up
    (`410`)."""
    try:
        result = pairing.claim(body["secret"], now=clock.now())
    except ServiceError as exc:
        _refuse(exc)
    if result.status == "waiting":
        # Another status than the documented 200: smorest serialises that one only.
        waiting = ClaimWaitingSchema().dump(
            {
                "status": "waiting",
                "expires_at": result.expires_at,
                "poll_after_s": result.poll_after_s,
            }
        )
        response: Response = jsonify(waiting)
        response.status_code = 202
        response.headers.update(_NO_STORE)
        return response
    paired = {"status": "paired", "token": result.token, "screen": {"code": result.screen_code}}
    return paired, 200, _NO_STORE
