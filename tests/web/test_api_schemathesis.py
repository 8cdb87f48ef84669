"""Property-based: every management operation, fed generated input as an admin, answers
without a server error and as its OpenAPI document says."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from campaign.extensions import db
from campaign.services.plans import load_plan
from tests.conftest import DEMO_PLAN, DEMO_TODAY, make_test_app
from tests.web.test_api_helpers import caller

# Operations that would end the very credentials the run uses.
SKIPPED = {("POST", "/api/v1/auth/logout"), ("DELETE", "/api/v1/tokens/{token_id}")}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_openapi_document_is_valid(client) -> None:  # type: ignore[no-untyped-def]
    # openapi-spec-validator is not installed; schemathesis ships the OpenAPI 3.0 meta-schema.
    from schemathesis.specs.openapi.definitions import OPENAPI_30_VALIDATOR

    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.0")
    errors = [str(e) for e in OPENAPI_30_VALIDATOR.iter_errors(document)]
    assert errors == []


@pytest.mark.slow
def test_generated_requests_never_break_the_api(tmp_path: Path) -> None:
    app = make_test_app(f"sqlite:///{tmp_path / 'fuzz.db'}", tmp_path)
    with app.app_context():
        db.create_all()
        load_plan(DEMO_PLAN.read_text(encoding="utf-8"), str(DEMO_PLAN), demo_today=DEMO_TODAY)
    admin = caller(app, "fuzz@example.org", "admin")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith(("/api/v1/player", "/api/v1/assets", "/assets")):
            continue
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        operations.append(operation)
    assert len(operations) > 40
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=5,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=admin.headers)
            case.validate_response(response, checks=CHECKS)

        try:
            exercise()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert failures == [], "\n\n".join(failures)
