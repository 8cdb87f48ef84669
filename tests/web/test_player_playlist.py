"""The playlist poll: authentication, ETags, caching across processes, and what it names."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import jsonschema_rs
import pytest
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence import messages as m_rows
from campaign.services import screens
from campaign.services.clock import clock_of
from campaign.services.generation import current_generation
from campaign.services.renditions import asset_store
from campaign.web.player import cache as player_cache
from tests.conftest import make_test_app

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # noon in Lima on DEMO_TODAY
URL = "/api/v1/player/playlist"


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


def attach(app: Flask) -> Clock:
    cache = player_cache.cache(app)
    clock_of(app).set(NOW)
    clock = Clock()
    cache.monotonic = clock
    return clock


@pytest.fixture
def tokens(demo: Flask) -> dict[str, str]:
    with demo.app_context():
        return {code: screens.issue_token(code, now=NOW) for code in ("LIM-ARR-01", "LIM-DEP-01")}


@pytest.fixture
def clock(demo: Flask) -> Clock:
    return attach(demo)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def validator(client, name: str) -> jsonschema_rs.Validator:  # type: ignore[no-untyped-def]
    spec = client.get("/api/v1/openapi.json").get_json()
    return jsonschema_rs.validator_for(
        {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    )


@pytest.fixture
def second_app(database_url: str, tmp_path: Path, demo: Flask) -> Iterator[Flask]:
    """Another app instance (another process, as far as caches go) on the same database."""
    other = make_test_app(database_url, tmp_path, INSTANCE_PATH=tmp_path / "other")
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_playlist_shape_headers_and_openapi(demo: Flask, tokens, clock) -> None:  # type: ignore[no-untyped-def]
    client = demo.test_client()
    response = client.get(URL, headers=auth(tokens["LIM-ARR-01"]))
    assert response.status_code == 200
    body = response.get_json()
    validator(client, "Playlist").validate(body)
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert response.headers["Cache-Control"] == "no-cache"
    assert body["screen"] == {
        "code": "LIM-ARR-01",
        "hub": "LIM",
        "zone": "ARR",
        "orientation": "landscape",
        "width": 1920,
        "height": 1080,
        "timezone": "America/Lima",
    }
    assert body["items"] and body["fallback"]
    assert 24 <= body["poll_after_s"] <= 36
    assert body["valid_until"] > body["generated_at"]


def test_items_never_name_a_missing_asset(demo: Flask, tokens, clock) -> None:  # type: ignore[no-untyped-def]
    client = demo.test_client()
    for token in tokens.values():
        body = client.get(URL, headers=auth(token)).get_json()
        with demo.app_context():
            store = asset_store()
            for item in body["items"] + body["fallback"]:
                assert item["url"] == f"/assets/{item['sha256']}.png"
                assert store.exists(item["sha256"], "png")


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}],
    ids=["missing", "unknown", "wrong-scheme"],
)
def test_bad_tokens_get_401(demo: Flask, tokens, clock, headers) -> None:  # type: ignore[no-untyped-def]
    response = demo.test_client().get(URL, headers=headers)
    assert response.status_code == 401
    assert set(response.get_json()) >= {"error", "detail"}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_token_in_query_string_is_refused(demo: Flask, tokens, clock) -> None:  # type: ignore[no-untyped-def]
    response = demo.test_client().get(f"{URL}?token={tokens['LIM-ARR-01']}")
    assert response.status_code == 400
    assert "Authorization header" in response.get_json()["detail"]


def test_revoked_and_rotated_tokens_stop_within_a_second(demo: Flask, tokens, clock) -> None:  # type: ignore[no-untyped-def]
    client = demo.test_client()
    old = tokens["LIM-ARR-01"]
    assert client.get(URL, headers=auth(old)).status_code == 200
    with demo.app_context():
        new = screens.issue_token("LIM-ARR-01", now=NOW)
        screens.revoke_token("LIM-DEP-01", now=NOW)
    clock.value += 1.0
    assert client.get(URL, headers=auth(old)).status_code == 401
    assert client.get(URL, headers=auth(new)).status_code == 200
    assert client.get(URL, headers=auth(tokens["LIM-DEP-01"])).status_code == 401


def test_a_token_only_reads_its_own_screen(demo: Flask, tokens, clock) -> None:  # type: ignore[no-untyped-def]
    client = demo.test_client()
    for code, token in tokens.items():
        # Nothing the request says can point the token at another screen.
        for query in ("", "?screen=LIM-GAT-01", "?code=LIM-GAT-01"):
            body = client.get(URL + query, headers=auth(token)).get_json()
            assert body["screen"]["code"] == code
    assert client.get(URL + "/LIM-GAT-01", headers=auth(tokens["LIM-ARR-01"])).status_code == 404


def test_matching_etag_gets_304(demo: Flask, tokens, clock) -> None:  # type: ignore[no-untyped-def]
    client = demo.test_client()
    first = client.get(URL, headers=auth(tokens["LIM-ARR-01"]))
    etag = first.headers["ETag"]
    again = client.get(URL, headers={**auth(tokens["LIM-ARR-01"]), "If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    listed = client.get(
        URL, headers={**auth(tokens["LIM-ARR-01"]), "If-None-Match": f'"x", {etag}'}
    )
    assert listed.status_code == 304
    stale = client.get(URL, headers={**auth(tokens["LIM-ARR-01"]), "If-None-Match": '"old"'})
    assert stale.status_code == 200


def test_same_content_same_etag_in_another_process(
    demo: Flask, second_app: Flask, tokens, clock
) -> None:  # type: ignore[no-untyped-def]
    attach(second_app)
    headers = auth(tokens["LIM-ARR-01"])
    one = demo.test_client().get(URL, headers=headers)
    two = second_app.test_client().get(URL, headers=headers)
    assert one.status_code == two.status_code == 200
    assert one.headers["ETag"] == two.headers["ETag"]
    assert one.get_json()["items"] == two.get_json()["items"]


def _pause(app: Flask, message_key: str) -> None:
    """A manager's change, written straight through the ORM as any service would."""
    with app.app_context():
        message = db.session.scalar(select(m_rows.Message).filter_by(key=message_key))
        assert message is not None
        message.versions[-1].status = "paused"
        db.session.commit()


def test_change_on_one_instance_is_seen_by_another_within_a_second(
    demo: Flask, second_app: Flask, tokens, clock
) -> None:  # type: ignore[no-untyped-def]
    other_clock = attach(second_app)
    headers = auth(tokens["LIM-ARR-01"])
    other = second_app.test_client()
    before = other.get(URL, headers=headers).get_json()
    playing = before["items"][0]["message"]
    with demo.app_context():
        generation = current_generation()
    _pause(demo, playing)
    with demo.app_context():
        assert current_generation() > generation  # the flush listener noticed
    # Within the second, the other process still answers from its cache...
    assert other.get(URL, headers=headers).get_json()["version"] == before["version"]
    other_clock.value += 1.0
    after = other.get(URL, headers=headers).get_json()
    assert after["version"] != before["version"]
    assert playing not in {i["message"] for i in after["items"]}
    conditional = other.get(URL, headers={**headers, "If-None-Match": f'"{before["version"]}"'})
    assert conditional.status_code == 200


def test_no_campaign_is_404(app: Flask) -> None:
    attach(app)
    with app.app_context():
        from campaign.persistence.network import Hub, Zone

        db.session.add(Hub(code="LIM", name="Lima", kind="airport", timezone="America/Lima"))
        db.session.flush()
        hub = db.session.scalar(select(Hub))
        db.session.add(Zone(hub=hub, code="ARR", name="Arrivals"))
        db.session.commit()
        _, token = screens.add_screen(
            "LIM", "ARR", "S1", orientation="landscape", width=1920, height=1080, now=NOW
        )
    response = app.test_client().get(URL, headers=auth(token))
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_a_slide_that_cannot_be_drawn_is_left_out(demo: Flask, tokens, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from campaign.services import renditions as media

    def refuse(message, lang, *args, **kwargs):  # type: ignore[no-untyped-def]
        if message.key == "tourism-without-exploitation":
            raise media.SlideNotLegible("too long")
        return real(message, lang, *args, **kwargs)

    real = media.draw_slide
    monkeypatch.setattr(media, "draw_slide", refuse)
    monkeypatch.setattr(media, "_drawn", type(media._drawn)())
    monkeypatch.setattr(media, "_failed", set())
    body = demo.test_client().get(URL, headers=auth(tokens["LIM-ARR-01"])).get_json()
    assert body["items"]
    assert "tourism-without-exploitation" not in {i["message"] for i in body["items"]}


def test_warm_polls_skip_flask_and_answer_exactly_as_the_view_does(demo: Flask) -> None:
    """The first poll goes through the Flask view and warms the cache; the next ones are
    answered in front of Flask. Both must be the same answer, byte for byte and header for
    header, for 200 and 304."""
    from campaign.web.player import fastpath

    with demo.app_context():
        token = screens.issue_token("LIM-DEP-01", now=datetime.now(UTC))
    player_cache.cache(demo).monotonic = lambda: 1000.0  # no second passes: the check stays fresh
    client = demo.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    calls: list[str] = []
    original = fastpath.PollFastPath.__call__

    def spy(self, environ, start_response):  # type: ignore[no-untyped-def]
        before = self.cache.warm_answer(token)
        calls.append("fast" if before is not None else "flask")
        return original(self, environ, start_response)

    fastpath.PollFastPath.__call__ = spy  # type: ignore[method-assign]
    try:
        cold = client.get("/api/v1/player/playlist", headers=auth)
        warm = client.get("/api/v1/player/playlist", headers=auth)
        not_modified = client.get(
            "/api/v1/player/playlist", headers={**auth, "If-None-Match": warm.headers["ETag"]}
        )
    finally:
        fastpath.PollFastPath.__call__ = original  # type: ignore[method-assign]
    assert calls == ["flask", "fast", "fast"]
    assert warm.status_code == 200 and warm.data == cold.data
    names = (
        "Content-Type",
        "ETag",
        "Cache-Control",
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "Content-Length",
    )
    assert {n: warm.headers.get(n) for n in names} == {n: cold.headers.get(n) for n in names}
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["ETag"] == cold.headers["ETag"]
    assert "Set-Cookie" not in warm.headers and "Set-Cookie" not in cold.headers


def test_without_the_fast_path_every_poll_goes_through_the_view(tmp_path: Path) -> None:
    def layers(app: Flask) -> list[str]:
        """The WSGI layers in front of Flask, outermost first (each holds the next)."""
        found, layer = [], app.wsgi_app
        while layer is not None and getattr(layer, "__self__", None) is not app:
            found.append(type(layer).__name__)
            layer = getattr(layer, "wsgi_app", None) or getattr(layer, "app", None)
        return found

    fast = make_test_app(f"sqlite:///{tmp_path / 'fast.db'}", tmp_path / "fast")
    assert "PollFastPath" in layers(fast)
    slow = make_test_app(f"sqlite:///{tmp_path / 'slow.db'}", tmp_path, PLAYER_FAST_PATH=False)
    assert "PollFastPath" not in layers(slow), "PLAYER_FAST_PATH=False leaves no fast path"


def test_a_second_campaign_does_not_take_the_screens_off_the_air(demo: Flask) -> None:
    from campaign.services import campaigns

    with demo.app_context():
        token = screens.issue_token("LIM-ARR-01", now=datetime.now(UTC))
    client = demo.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    before = client.get("/api/v1/player/playlist", headers=auth)
    with demo.app_context():
        campaigns.create_campaign(
            {
                "slug": "next-campaign",
                "names": {"es": "Otra", "en": "Another"},
                "languages": ["es", "en"],
            }
        )
    player_cache.cache(demo).checked_at = float("-inf")  # see the change now, not in a second
    after = client.get("/api/v1/player/playlist", headers=auth)
    assert before.status_code == after.status_code == 200
    assert after.get_json()["items"] == before.get_json()["items"]
