"""The publish-playlists job: changed playlists republished within a run, stale files removed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.jobs import tasks
from campaign.jobs.scheduler import add_jobs, make_scheduler
from campaign.persistence import messages as m_rows
from campaign.services import publishing, screens
from tests.web.plays_serving import poll

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # noon in Lima on DEMO_TODAY
CODES = ("LIM-ARR-01", "LIM-DEP-01")


@pytest.fixture
def published(demo: Flask, tmp_path: Path) -> Path:
    folder = tmp_path / "published"
    demo.config["PUBLISH_DIR"] = str(folder)
    return folder


@pytest.fixture
def tokens(demo: Flask, published: Path) -> dict[str, str]:
    with demo.app_context():
        return {code: screens.issue_token(code, now=NOW) for code in CODES}


def _files(folder: Path) -> dict[str, dict]:
    return {path.name: json.loads(path.read_bytes()) for path in sorted(folder.glob("*.json"))}


def _pause_what_plays(app: Flask, message_key: str) -> None:
    """A manager's change, written straight through the ORM as any service would."""
    with app.app_context():
        message = db.session.scalar(select(m_rows.Message).filter_by(key=message_key))
        assert message is not None
        message.versions[-1].status = "paused"
        db.session.commit()


def test_the_job_publishes_what_the_poll_answers_and_a_second_run_writes_nothing(
    demo: Flask, published, tokens
) -> None:  # type: ignore[no-untyped-def]
    first = tasks.run(demo, "publish-playlists", NOW)
    assert first.ok and first.result.written == 2, first.detail
    files = _files(published)
    for code, token in tokens.items():
        answer = poll(demo, token, NOW)
        assert files[answer["published_url"].rsplit("/", 1)[1]] == answer, code
    stats = {path: path.stat().st_mtime_ns for path in published.iterdir()}
    again = tasks.run(demo, "publish-playlists", NOW)
    assert again.ok and again.result.written == 0 and again.detail == ""
    assert {path: path.stat().st_mtime_ns for path in published.iterdir()} == stats


def test_a_content_change_is_republished_within_one_run(demo: Flask, published, tokens) -> None:  # type: ignore[no-untyped-def]
    assert tasks.run(demo, "publish-playlists", NOW).ok
    before = poll(demo, tokens["LIM-ARR-01"], NOW)
    name = before["published_url"].rsplit("/", 1)[1]
    playing = before["items"][0]["message"]
    _pause_what_plays(demo, playing)
    later = NOW + timedelta(seconds=2)
    assert tasks.run(demo, "publish-playlists", later).result.written >= 1
    after = _files(published)[name]
    assert after["version"] != before["version"]
    assert playing not in {item["message"] for item in after["items"]}
    assert after == poll(demo, tokens["LIM-ARR-01"], later)  # the poll answers the same


def test_a_passed_valid_until_is_republished(demo: Flask, published, tokens) -> None:  # type: ignore[no-untyped-def]
    assert tasks.run(demo, "publish-playlists", NOW).ok
    name, before = min(_files(published).items(), key=lambda kv: kv[1]["valid_until"])
    until = datetime.fromisoformat(before["valid_until"])
    assert tasks.run(demo, "publish-playlists", until - timedelta(seconds=1)).result.written == 0
    assert tasks.run(demo, "publish-playlists", until).result.written >= 1
    after = _files(published)[name]
    assert datetime.fromisoformat(after["valid_until"]) > until


def test_files_of_ids_no_screen_has_are_removed_by_the_job(demo: Flask, published, tokens) -> None:  # type: ignore[no-untyped-def]
    assert tasks.run(demo, "publish-playlists", NOW).ok
    stray = published / f"{publishing.new_publish_id()}.json"  # left by a process revoking it
    stray.write_text("{}")
    other = published / "notes.txt"  # not a published playlist: left alone
    other.write_text("kept")
    done = tasks.run(demo, "publish-playlists", NOW + timedelta(seconds=2))
    assert done.result.removed == 1
    assert not stray.exists() and other.exists() and len(_files(published)) == 2


def test_revoking_removes_the_file_and_the_job_does_not_bring_it_back(
    demo: Flask, published, tokens
) -> None:  # type: ignore[no-untyped-def]
    assert tasks.run(demo, "publish-playlists", NOW).ok
    with demo.app_context():
        publish_id = db.session.scalar(
            select(screens.Screen.publish_id).filter_by(code="LIM-DEP-01")
        )
        screens.revoke_token("LIM-DEP-01", now=NOW)
    assert not (published / f"{publish_id}.json").exists()
    tasks.run(demo, "publish-playlists", NOW + timedelta(seconds=2))
    assert len(_files(published)) == 1 and not (published / f"{publish_id}.json").exists()


def test_a_token_revoked_while_the_job_runs_does_not_keep_its_file(
    demo: Flask, published, tokens, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    read = publishing._live
    revoked: list[str] = []

    def revoked_once_read() -> dict[str, publishing._Live]:
        live = read()
        if not revoked:  # as another process would, after this run read the screens
            revoked.append(live["LIM-DEP-01"].publish_id)
            screens.revoke_token("LIM-DEP-01", now=NOW)
        return live

    monkeypatch.setattr(publishing, "_live", revoked_once_read)
    assert tasks.run(demo, "publish-playlists", NOW).ok
    assert not (published / f"{revoked[0]}.json").exists()
    assert len(_files(published)) == 1  # the other screen's file is there


def test_with_publishing_off_the_job_does_nothing_and_is_not_scheduled(
    demo: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with demo.app_context():
        screens.issue_token("LIM-ARR-01", now=NOW)
    done = tasks.run(demo, "publish-playlists", NOW)
    assert done.ok and done.result.written == 0
    assert not list(tmp_path.rglob("*.json"))
    monkeypatch.setattr(tasks, "next_transition", lambda _app, _at: None)
    for folder, expected in (("", False), (str(tmp_path / "published"), True)):
        demo.config["PUBLISH_DIR"] = folder
        scheduler = make_scheduler(demo)
        add_jobs(scheduler, demo, clock=lambda: NOW, node="test:1")
        scheduler.start(paused=True)
        try:
            job = scheduler.get_job("publish-playlists")
            assert (job is not None) is expected
            if job is not None:
                assert job.trigger.interval <= timedelta(seconds=2)
        finally:
            scheduler.shutdown(wait=False)


def test_the_job_runs_from_the_command_line(demo: Flask, published, tokens) -> None:  # type: ignore[no-untyped-def]
    result = demo.test_cli_runner().invoke(
        args=["jobs", "once", "publish-playlists", "--at", "2026-11-28T17:00Z"]
    )
    assert result.exit_code == 0, result.output
    assert "2 published" in result.output
    assert len(_files(published)) == 2


class _NotToBeBuilt:
    """A playback that must not be built: the job was to take what the polls published."""

    def __init__(self) -> None:
        raise AssertionError("the job built a playlist a poll had published")


def test_a_playlist_a_poll_published_on_this_generation_is_not_built_again(
    demo: Flask, published, tokens, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    # The job publishes first (and draws the slides, which moves the generation); then each
    # screen polls and keeps its answer for the generation now current.
    assert tasks.run(demo, "publish-playlists", NOW).ok
    answers = {code: poll(demo, token, NOW) for code, token in tokens.items()}
    monkeypatch.setattr(publishing, "Playback", _NotToBeBuilt)
    done = tasks.run(demo, "publish-playlists", NOW + timedelta(seconds=1))
    assert done.ok and done.result.screens == 2 and done.result.written == 0, done.detail
    files = _files(published)
    for answer in answers.values():
        assert files[answer["published_url"].rsplit("/", 1)[1]] == answer


def test_a_file_an_earlier_generation_wrote_over_the_polls_is_built_again(
    demo: Flask, published, tokens
) -> None:  # type: ignore[no-untyped-def]
    """A process still on the previous content (for up to a quarter of a second after a change)
    may publish its answer after a poll on the new one did: the job puts the poll's back."""
    assert tasks.run(demo, "publish-playlists", NOW).ok  # the slides drawn, as above
    answer = poll(demo, tokens["LIM-ARR-01"], NOW)
    path = published / answer["published_url"].rsplit("/", 1)[1]
    stale = {**answer, "version": "an-older-version", "items": answer["items"][1:]}
    path.write_text(json.dumps(stale))
    done = tasks.run(demo, "publish-playlists", NOW + timedelta(seconds=1))
    assert done.ok and done.result.written >= 1, done.detail
    assert json.loads(path.read_bytes())["version"] == answer["version"]
