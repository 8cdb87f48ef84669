"""Property-based: the API against its own OpenAPI document, with every schemathesis check.

Every operation (the management API as an admin, the player API with a real screen's token) is
fed examples, coverage cases and fuzzed input, valid and invalid; then chains of calls follow the
document's links (create -> read, update, delete -> read again). Each answer must be what the
document says: no server error, a documented status, headers and body, valid input accepted,
invalid input refused, credentials enforced (the checks send the request again without them),
a deleted record gone.

Left out, and why:
- POST /api/v1/auth/logout and DELETE /api/v1/tokens/{token_id}: they end the very credentials
  the run uses, so every later call would be a 401.
- positive_data_acceptance is run through `documented_data_acceptance`: a 422 is still a
  failure when the request's own schema refused it, except for a rule OpenAPI 3.0 cannot state
  (the keys of a per-language object: 3.0 has no propertyNames), and except for a refusal of
  the services ("error": "invalid" or "invalid_upload"): a record named that does not exist
  or is not in the campaign, a state (a phase already cancelled), bytes that are not an image.
  The document cannot know the database, nor decode a picture.

CAMPAIGN_SCHEMATHESIS_EXAMPLES=200 runs longer (default 8 fuzzed cases per operation and mode,
on top of the examples and coverage cases).
"""

from __future__ import annotations

import os
import sqlite3
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckContext
from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES as REFUSALS
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.specs.openapi.checks import positive_data_acceptance

from campaign.extensions import db, limiter
from campaign.services import screens
from campaign.services.plans import load_plan
from campaign.web.api.previews import PreviewSchema
from tests.conftest import DEMO_PLAN, DEMO_TODAY, make_test_app
from tests.web.test_api_helpers import NOW, caller

EXAMPLES = int(os.environ.get("CAMPAIGN_SCHEMATHESIS_EXAMPLES", "8"))
SHARDS = 4  # separate tests, so pytest-xdist spreads the operations over the cores
SKIPPED = {("POST", "/api/v1/auth/logout"), ("DELETE", "/api/v1/tokens/{token_id}")}
PLAYER = ("/api/v1/player/",)


# Refusals by the services, of what only they can judge: "invalid" (records named that do not
# exist or are not in the campaign, a state), "invalid_upload" (bytes that are not a PNG, JPEG
# or WebP image: the document says so in words, JSON Schema cannot).
SERVICE_REFUSALS = {"invalid", "invalid_upload"}


def documented_data_acceptance(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    """positive_data_acceptance, but for the refusals the document cannot state (see above)."""
    if response.status_code == 422:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            if body.get("error") in SERVICE_REFUSALS:
                return None
            leaves = list(_leaf_paths(body.get("fields") or {}))
            if leaves and all(path[-1] == "key" for path in leaves):
                return None
    return positive_data_acceptance(ctx, response, case)


def _leaf_paths(tree: Any, prefix: tuple[str, ...] = ()) -> Any:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _leaf_paths(value, (*prefix, str(key)))
    else:
        yield prefix


# Too large a body (over 1,000 plays, or over the size limit) is refused with 413, as documented.
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": [*REFUSALS, "413"]}}}
)
CHECKS: dict[str, Any] = {
    "excluded_checks": [positive_data_acceptance],
    "additional_checks": [documented_data_acceptance],
}


class Fuzz:
    """An app with the demo campaign, an admin's API token and a screen's token."""

    def __init__(self, tmp_path: Path) -> None:
        self.app: Flask = make_test_app(f"sqlite:///{tmp_path / 'fuzz.db'}", tmp_path)
        with self.app.app_context():
            db.create_all()
            load_plan(DEMO_PLAN.read_text(encoding="utf-8"), str(DEMO_PLAN), demo_today=DEMO_TODAY)
            token = screens.issue_token("LIM-ARR-01", now=NOW)
        self.admin = caller(self.app, "fuzz@example.org", "admin").headers
        self.screen = {"Authorization": f"Bearer {token}"}
        self.schema = schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json", self.app, config=CONFIG
        )
        self.live, self.start = tmp_path / "fuzz.db", tmp_path / "start.db"
        self._copy(self.live, self.start)

    def _copy(self, source: Path, target: Path) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()

    def restart(self) -> None:
        """Back to the state after setup: the database, the player cache and the rate limits.
        Hypothesis replays a scenario to shrink it, and checks its choices stay the same."""
        self._copy(self.start, self.live)
        self.app.extensions.pop("campaign.player", None)
        with self.app.app_context():
            limiter.reset()

    def headers_for(self, path: str) -> dict[str, str]:
        return self.screen if path.startswith(PLAYER) else self.admin

    def operations(self) -> list[Any]:
        found = [result.ok() for result in self.schema.get_all_operations()]
        return [op for op in found if (op.method.upper(), op.path) not in SKIPPED]

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def fuzz(tmp_path: Path) -> Any:
    made = Fuzz(tmp_path)
    yield made
    made.close()


def _bounded(examples: int, **more: Any) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        **more,
    )


def test_openapi_document_is_valid(client) -> None:  # type: ignore[no-untyped-def]
    # openapi-spec-validator is not installed; schemathesis ships the OpenAPI 3.0 meta-schema.
    from schemathesis.specs.openapi.definitions import OPENAPI_30_VALIDATOR

    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.0")
    errors = [str(e) for e in OPENAPI_30_VALIDATOR.iter_errors(document)]
    assert errors == []


def test_every_operation_documents_a_busy_database_and_a_full_disk(client) -> None:  # type: ignore[no-untyped-def]
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method in {"get", "put", "post", "patch", "delete"} & set(item):
            responses = item[method]["responses"]
            assert {"503", "507"} <= set(responses), f"{method.upper()} {path}"
            assert "Retry-After" in responses["503"]["headers"]


def test_creates_link_to_their_record(client) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    links = paths["/api/v1/hubs"]["post"]["responses"]["201"]["links"]
    assert {link["parameters"]["hub_id"] for link in links.values()} == {"$response.body#/id"}
    assert len(links) == 3  # read, update, delete
    deleted = paths["/api/v1/messages/{message_id}"]["delete"]["responses"]["204"]["links"]
    assert deleted["GetDeleted"]["parameters"] == {"message_id": "$request.path.message_id"}


def test_an_anonymous_heartbeat_is_refused_for_its_token_not_its_body(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.post("/api/v1/player/heartbeat", json={"uptime_s": "not a number"})
    assert answer.status_code == 401
    assert answer.get_json()["error"] == "unauthorized"


def test_local_times_have_an_rfc_3339_offset_even_before_standard_time() -> None:
    # Lima kept its mean solar time (-05:08:36 in 1900) until 1908; RFC 3339 offsets are minutes.
    instant = datetime(1900, 1, 1, 17, 0, tzinfo=UTC)
    shown = PreviewSchema(only=("local_time",)).dump(
        {"local_time": instant.astimezone(ZoneInfo("America/Lima"))}
    )
    assert shown["local_time"] == "1900-01-01T11:51:00-05:09"  # the nearest whole minute
    assert datetime.fromisoformat(shown["local_time"]) == instant


def _exercise(headers: dict[str, str]) -> Any:
    # Hypothesis reads the test's signature: `case` must be its only parameter.
    def exercise(case: Any) -> None:
        case.call_and_validate(headers=headers, **CHECKS)

    return exercise


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_operation_answers_as_documented(fuzz: Fuzz, shard: int) -> None:
    operations = fuzz.operations()
    assert len(operations) > 90
    mine = [op for op in operations if zlib.crc32(op.label.encode()) % SHARDS == shard]
    modes = [HypothesisTestMode.EXAMPLES, HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING]
    failures = []
    for operation in mine:
        config = HypothesisTestConfig(
            project=fuzz.schema.config, modes=modes, settings=_bounded(EXAMPLES)
        )
        exercise = _exercise(fuzz.headers_for(operation.path))
        try:
            create_test(operation=operation, test_func=exercise, config=config)()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert failures == [], "\n\n".join(failures)


@pytest.mark.slow
def test_linked_calls_answer_as_documented(fuzz: Fuzz) -> None:
    machine = fuzz.schema.exclude(
        func=lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in SKIPPED
    ).as_state_machine()

    class Stateful(machine):  # type: ignore[misc, valid-type]
        def setup(self) -> None:
            # Each scenario starts from the same records, so that a replay asks the same.
            fuzz.restart()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": fuzz.headers_for(case.path)}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(
                response, headers=kwargs.get("headers"), transport_kwargs=kwargs, **CHECKS
            )

    Stateful.run(settings=_bounded(max(EXAMPLES * 3, 20), stateful_step_count=6))
