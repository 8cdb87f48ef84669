"""The press and partner kit: a ZIP of a phase's approved materials, per language, with a
contents sheet; the same content always gives the same bytes."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Phase
from campaign.services import clock
from campaign.services.campaigns import in_visible_campaigns
from campaign.services.errors import Invalid, NotFound
from campaign.services.press_kit_media import KitMedia
from campaign.services.press_kit_plan import (
    ANY_LANGUAGE_FOLDER,
    KitPlan,
    PlannedFile,
    counts,
    make_plan,
)
from campaign.services.press_kit_texts import (
    ContentsRow,
    contents_csv,
    contents_html,
    local_instant,
    sheet_labels,
    sheet_source,
)

__all__ = [
    "ContentsRow",
    "KitPage",
    "KitPlan",
    "PlannedFile",
    "PressKit",
    "build_press_kit",
    "counts",
    "plan_press_kit",
    "press_kit_page",
]

# Change when the kit is laid out differently: ETags made before then no longer match.
KIT_FORMAT = "press-kit/1"
# Every entry's time in the ZIP (the earliest a ZIP can say): equal content, equal bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Pictures are compressed already: stored as they are, the rest deflated.
STORED_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
# Bounds on one kit, so that one request can never take the server's memory or an hour:
# a kit is held in memory while it is sent, one file being made at a time beside it.
MAX_FILES = 1000
MAX_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class PressKit:
    filename: str
    data: bytes  # the ZIP
    rows: tuple[ContentsRow, ...]  # every file but the two contents sheets, by path
    etag: str
    skipped: tuple[str, ...]  # planned files that could not be made (a slide that did not fit)
    drawn: int  # pictures drawn for this kit (the rest were stored renditions)

    @property
    def file_count(self) -> int:
        """The files in the ZIP: the materials and the two contents sheets."""
        return len(self.rows) + 2


def _phase(phase_id: int, user: User | None) -> Phase:
    """The phase, if the user may see its campaign (staff: any; a partner: those shared with
    their organisation; None: the command line); others read as missing."""
    query = select(Phase) if user is None else in_visible_campaigns(Phase, user)
    row = db.session.scalar(
        query.where(Phase.id == phase_id).options(
            selectinload(Phase.hubs), selectinload(Phase.campaign)
        )
    )
    if row is None:
        raise NotFound(_("There is no phase %(id)s.", id=phase_id))
    return row


def _etag(plan: KitPlan) -> str:
    labels = sheet_labels(plan.timezone, plan.phase_number)
    doc = [KIT_FORMAT, plan.content_key(), plan.campaign_names, plan.phase_name, labels]
    doc.append(sheet_source())
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()[:32]


def plan_press_kit(phase_id: int, user: User | None) -> KitPlan:
    """What the phase's kit holds, file by file, and its ETag, without drawing anything.
    Raises NotFound for a phase the user may not see, Invalid when it has no approved
    material or would be too large."""
    return _plan(_phase(phase_id, user))


def _plan(phase: Phase) -> KitPlan:
    plan = make_plan(phase)
    if not plan.files:
        if plan.left_out:
            keys = ", ".join(m.key for m in plan.left_out)
            raise Invalid(
                _(
                    "Phase %(number)s has no approved material yet: none of the messages booked "
                    "in it (%(keys)s) has an approved version that is not paused.",
                    number=phase.number,
                    keys=keys,
                )
            )
        raise Invalid(
            _(
                "Phase %(number)s has no approved material yet: no message is booked in it.",
                number=phase.number,
            )
        )
    if len(plan.files) > MAX_FILES:
        raise Invalid(
            _(
                "The kit of phase %(number)s would hold %(count)s files, more than the "
                "%(most)s a kit may hold.",
                number=phase.number,
                count=len(plan.files),
                most=MAX_FILES,
            )
        )
    return replace(plan, etag=_etag(plan))


@dataclass(frozen=True)
class KitPage:
    """What the kit's page shows: the phase, and the kit's contents or why there is none."""

    phase_id: int
    phase_number: int
    phase_name: str
    campaign_name: str  # in the reader's language
    plan: KitPlan | None
    problem: str | None  # why there is no kit, for a person
    folders: tuple[tuple[str, dict[str, int]], ...]  # each folder's files by kind, in order


def _folder_order(plan: KitPlan) -> list[str]:
    found = counts(plan.files)
    first = [lang for lang in plan.languages if lang in found]
    return first + sorted(set(found) - set(first), key=lambda f: (f == ANY_LANGUAGE_FOLDER, f))


def press_kit_page(phase_id: int, user: User, reader_lang: str) -> KitPage:
    """The kit's page: the phase (NotFound if the user may not see it) and what its kit holds,
    or the reason it has none."""
    phase = _phase(phase_id, user)
    names = phase.campaign.names or {}
    name = names.get(reader_lang) or next(iter(names.values()), phase.campaign.slug)
    try:
        plan: KitPlan | None = _plan(phase)
        problem = None
    except Invalid as exc:
        plan, problem = None, exc.detail
    folders = ()
    if plan is not None:
        found = counts(plan.files)
        folders = tuple((f, found[f]) for f in _folder_order(plan))
    return KitPage(phase.id, phase.number, phase.name, name, plan, problem, folders)


def _entry(path: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
    info.create_system = 3  # Unix, whatever machine made it
    info.external_attr = 0o644 << 16
    stored = path.lower().endswith(STORED_SUFFIXES)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    return info


def _row(f: PlannedFile, data: bytes, timezone: str) -> ContentsRow:
    return ContentsRow(
        path=f.path,
        kind=f.kind,
        message_key=f.message_key,
        headline=f.headline,
        language=f.lang,
        version=f.version,
        approved_at=local_instant(f.approved_at, timezone),
        approved_by=f.approved_by,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def assemble(plan: KitPlan, *, now: datetime | None = None) -> PressKit:
    """The ZIP of a plan: its files by path, then contents.csv and contents.html. Pictures
    missing from the renditions are drawn (and recorded, which commits)."""
    now = now or clock.now()
    media = KitMedia(plan.files)
    buffer = io.BytesIO()
    rows: list[ContentsRow] = []
    skipped: list[str] = []
    with zipfile.ZipFile(buffer, "w") as archive:
        for f in plan.files:
            data = media.data(f.source, now)
            if data is None:
                skipped.append(f.path)
                continue
            archive.writestr(_entry(f.path), data, compresslevel=9)
            rows.append(_row(f, data, plan.timezone))
            if buffer.tell() > MAX_BYTES:
                media.record()  # what was drawn is kept for the screens and the next kit
                raise Invalid(
                    _(
                        "The kit of phase %(number)s would be larger than %(size)s MB.",
                        number=plan.phase_number,
                        size=MAX_BYTES // (1024 * 1024),
                    )
                )
        labels = sheet_labels(plan.timezone, plan.phase_number)
        archive.writestr(_entry("contents.csv"), contents_csv(rows), compresslevel=9)
        html = contents_html(
            rows, labels=labels, names=plan.campaign_names, phase_name=plan.phase_name
        )
        archive.writestr(_entry("contents.html"), html, compresslevel=9)
    media.record()
    return PressKit(
        filename=plan.filename,
        data=buffer.getvalue(),
        rows=tuple(rows),
        etag=plan.etag,
        skipped=tuple(skipped),
        drawn=media.drawn,
    )


def build_press_kit(phase_id: int, user: User | None) -> PressKit:
    """The kit of every approved material of a phase (see `plan_press_kit` for who may have
    it and what it refuses)."""
    return assemble(plan_press_kit(phase_id, user))
