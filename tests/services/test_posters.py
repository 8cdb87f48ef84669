"""The upload use case all or nothing, and poster renditions chosen, made once and reused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from campaign.domain.item_ids import item_id
from campaign.domain.playlist import PlaylistItem
from campaign.extensions import db
from campaign.persistence.media import MediaFile, Rendition
from campaign.persistence.messages import Message
from campaign.persistence.posters import Poster
from campaign.persistence.queries import campaign_row, load_network
from campaign.services import posters
from campaign.services import renditions as media
from campaign.services.errors import Conflict
from campaign.services.playback import prepare_renditions
from tests.rendering import hostile

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
KEY = "zero-tolerance"


def files(app: Flask) -> set[Path]:
    return {p for p in Path(app.config["ASSET_DIR"]).rglob("*") if p.is_file()}


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def put(data: bytes, lang: str | None = "es", key: str | None = KEY, **kw: object) -> Poster:
    place = posters.Placement(None, key, lang)
    return posters.upload_poster(data, label="p.jpg", place=place, uploaded_by=None, now=NOW, **kw)


def approve_draft(key: str = KEY) -> None:
    """Approve the draft a poster joined (the workflow itself is tested in test_workflow)."""
    message = db.session.scalar(select(Message).filter_by(key=key))
    for version in message.versions[:-1]:
        if version.status in ("approved", "paused"):
            version.status = "retired"
    message.versions[-1].status = "approved"
    db.session.commit()


def test_a_poster_joins_a_draft_and_plays_only_once_that_is_approved(demo: Flask) -> None:
    with demo.app_context():
        live_before = load_network(campaign_row()).messages[KEY].version
        poster = put(hostile.jpeg())
        message = db.session.scalar(select(Message).filter_by(key=KEY))
        assert message.latest.status == "draft" and message.latest.number == live_before + 1
        assert poster.message_version_id == message.latest.id
        assert renditions().poster_for(item("es")) is None  # still the approved text slide
        approve_draft()
        assert renditions().poster_for(item("es")).id == poster.id


def fail_commit(what: str = "") -> None:
    raise Conflict("the database refused it")


def test_a_failed_insert_removes_the_file_it_stored(
    demo: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with demo.app_context():
        monkeypatch.setattr(posters, "commit", fail_commit)
        with pytest.raises(Conflict):
            put(hostile.jpeg())
        assert files(demo) == set()
        assert count(Poster) == count(MediaFile) == 0


def test_a_failed_insert_keeps_a_file_another_poster_uses(
    demo: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with demo.app_context():
        first = put(hostile.jpeg())
        before = files(demo)
        monkeypatch.setattr(posters, "commit", fail_commit)
        with pytest.raises(Conflict):
            put(hostile.jpeg(), lang="en")
        assert files(demo) == before
        assert count(Poster) == 1 and db.session.get(Poster, first.id) is not None


def item(lang: str, key: str = KEY) -> PlaylistItem:
    network = load_network(campaign_row())
    with_version, slug = network.messages[key].version, network.campaign.slug
    return PlaylistItem(
        id=item_id(slug, key, with_version, lang),
        campaign=slug,
        message_key=key,
        message_version=with_version,
        lang=lang,
        duration_s=10,
        booking_key=None,
    )


def renditions() -> media.Renditions:
    row = campaign_row()
    assert row is not None
    return media.Renditions(row, load_network(row))


def test_items_use_their_language_poster_else_a_neutral_one_else_text(demo: Flask) -> None:
    with demo.app_context():
        es = put(hostile.jpeg(800, 600), lang="es")
        neutral = put(hostile.jpeg(640, 480), lang=None)
        approve_draft()
        chosen = renditions()
        assert chosen.poster_for(item("es")).id == es.id
        assert chosen.poster_for(item("en")).id == neutral.id
        assert chosen.poster_for(item("es+en")).id == neutral.id
        assert chosen.poster_for(item("es", "where-to-report")) is None
        db.session.delete(db.session.get(Poster, neutral.id))
        db.session.commit()
        assert renditions().poster_for(item("es+en")) is None


def test_a_poster_is_decoded_once_for_every_screen_class(
    demo: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[tuple[int, int]]] = []
    from campaign.rendering import renditions as drawing  # where the service draws from

    real = drawing.render_renditions

    def counting(source: bytes, classes: list, **kw: object) -> dict:
        calls.append(sorted(c.size for c in classes))
        return real(source, classes, **kw)

    monkeypatch.setattr(drawing, "render_renditions", counting)
    with demo.app_context():
        put(hostile.jpeg(), fit="cover", focal=(0.2, 0.8))
        approve_draft()
        chosen = renditions()
        asset = chosen.ensure(item("es"), 1080, 1920, now=NOW)
        assert (
            asset is not None
            and asset.ext == "jpg"
            and (asset.width, asset.height)
            == (
                1080,
                1920,
            )
        )
        assert chosen.ensure(item("es"), 1920, 1080, now=NOW) is not None
        assert calls == [[(1080, 1920), (1366, 768), (1920, 1080), (3840, 2160)]]
        assert count(Rendition) == 4
        assert renditions().find(item("es"), 1366, 768) is not None  # read back, not redrawn
        assert len(calls) == 1


def test_a_poster_that_cannot_be_drawn_falls_back_to_the_text_slide(demo: Flask) -> None:
    with demo.app_context():
        poster = put(hostile.jpeg(333, 222))
        approve_draft()
        media.asset_store().delete(poster.sha256, poster.ext)  # lost from the disk
        asset = renditions().ensure(item("es"), 1920, 1080, now=NOW)
        assert asset is not None and asset.ext == "png"
        assert renditions().find(item("es"), 1920, 1080) == asset


def poster_files() -> set[tuple[str, str]]:
    query = select(Rendition).where(Rendition.poster_id.is_not(None))
    return {(r.sha256, r.ext) for r in db.session.scalars(query)}


def test_refit_and_delete_drop_renditions_and_files_outlive_them_for_a_grace_period(
    demo: Flask,
) -> None:
    from datetime import timedelta

    from campaign.services import storage
    from tests.web.test_api_helpers import caller

    manager = caller(demo, "m@example.org", "manager")
    with demo.app_context():
        poster = put(hostile.jpeg())
        approve_draft()
        prepare_renditions(NOW)
        drawn = poster_files()
        assert len(drawn) == 4
        user = db.session.get(posters.User, manager.id)
        posters.update_poster(poster.id, user, {"fit": "cover", "version": 1})
        assert poster_files() == set()  # the old framing is gone from every playlist
        store = media.asset_store()
        # ...but a player still holding the old playlist can fetch its pictures meanwhile.
        assert all(store.exists(*f) for f in drawn)
        prepare_renditions(NOW)
        posters.delete_poster(poster.id, user, 2)
        assert count(Poster) == count(MediaFile) == 0
        assert poster_files() == set()
        assert storage.collect_unreferenced(datetime.now(UTC)) == 0  # within the grace period
        assert any(p.suffix == ".jpg" for p in files(demo))
        later = datetime.now(UTC) + storage.GRACE + timedelta(minutes=1)
        assert storage.collect_unreferenced(later) > 0
        assert all(p.suffix == ".png" for p in files(demo))  # text slides only: still named


def test_the_grace_period_counts_from_when_the_last_row_went_away(demo: Flask) -> None:
    import os
    from datetime import timedelta

    from campaign.services import storage
    from tests.web.test_api_helpers import caller

    manager = caller(demo, "m@example.org", "manager")
    with demo.app_context():
        poster = put(hostile.jpeg())
        path = media.asset_store().path_for(poster.sha256, poster.ext)
        long_ago = (datetime.now(UTC) - timedelta(days=90)).timestamp()
        os.utime(path, (long_ago, long_ago))  # an old picture...
        user = db.session.get(posters.User, manager.id)
        posters.delete_poster(poster.id, user, 1)  # ...deleted just now
        assert storage.collect_unreferenced(datetime.now(UTC)) == 0
        assert path.exists()  # a player offline on its fallback may still show it
