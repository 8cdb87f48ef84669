"""Two versions of a message side by side: every text field and the link, word by word."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from campaign.persistence.messages import Message, MessageVersion
from campaign.persistence.queries import live_version
from campaign.services import messages


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "del" (only in the old text) or "ins" (only in the new one)
    text: str


@dataclass(frozen=True)
class FieldDiff:
    lang: str  # "" for the link, which every language shares
    name: str  # a text field's name, or "link"
    old: tuple[Piece, ...]
    new: tuple[Piece, ...]

    @property
    def changed(self) -> bool:
        return any(p.kind != "same" for p in self.old + self.new)


@dataclass(frozen=True)
class VersionDiff:
    old: MessageVersion
    new: MessageVersion
    fields: tuple[FieldDiff, ...]

    @property
    def changed(self) -> tuple[FieldDiff, ...]:
        return tuple(f for f in self.fields if f.changed)

    def unchanged_in(self, lang: str) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.lang == lang and not f.changed)


_WORDS = re.compile(r"\s+|[^\s]+")


def _merge(pieces: list[Piece]) -> tuple[Piece, ...]:
    merged: list[Piece] = []
    for piece in pieces:
        if merged and merged[-1].kind == piece.kind:
            merged[-1] = Piece(piece.kind, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return tuple(p for p in merged if p.text)


def word_diff(old: str, new: str) -> tuple[tuple[Piece, ...], tuple[Piece, ...]]:
    """The old and the new text cut into pieces, words only in one of them marked: word by word
    (spaces kept), so that a changed word is marked whole and the rest reads as written."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    left: list[Piece] = []
    right: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(Piece("same", "".join(a[i1:i2])))
            right.append(Piece("same", "".join(b[j1:j2])))
            continue
        left.append(Piece("del", "".join(a[i1:i2])))
        right.append(Piece("ins", "".join(b[j1:j2])))
    return _merge(left), _merge(right)


def version_diff(message: Message, old_number: int, new_number: int) -> VersionDiff:
    """Every text field of every language, and the link, of two versions of the message."""
    old = messages.get_version(message, old_number)
    new = messages.get_version(message, new_number)
    languages = list(message.campaign.languages)
    for version in (old, new):
        languages += [t.lang for t in version.texts if t.lang not in languages]
    fields: list[FieldDiff] = []
    for lang in languages:
        before, after = old.text(lang), new.text(lang)
        for name in messages.TEXT_FIELDS:
            left, right = word_diff(getattr(before, name, "") or "", getattr(after, name, "") or "")
            fields.append(FieldDiff(lang, name, left, right))
    left, right = word_diff(old.link or "", new.link or "")
    fields.append(FieldDiff("", "link", left, right))
    return VersionDiff(old, new, tuple(fields))


def default_comparison(message: Message) -> tuple[int, int] | None:
    """The two versions a reviewer compares first: the newest against the live one (what the
    screens would change), else against the one before; None with a single version."""
    latest, live = message.latest, live_version(message)
    if latest is None or len(message.versions) < 2:
        return None
    if live is not None and live is not latest:
        return live.number, latest.number
    return message.versions[-2].number, latest.number
