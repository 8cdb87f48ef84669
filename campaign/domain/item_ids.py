"""A playlist item's id: made here and read back here, nowhere else."""

from __future__ import annotations

import re
from dataclasses import dataclass

# "<campaign>/<message key>.v<version>.<lang>[+<lang>…]": the same slide has the same id in any
# process; players report plays by it, and reports read it back without a join.
_PATTERN = re.compile(
    r"\A(?:(?P<campaign>[^/]+)/)?(?P<key>[^/]+)\.v(?P<version>\d+)"
    r"\.(?P<lang>[a-z]{2,3}(?:\+[a-z]{2,3})*)\Z"
)


@dataclass(frozen=True)
class ItemRef:
    """What an item id names: a campaign's message version in one language or several ("es+en")."""

    campaign: str  # "" in an id from before campaigns were named in it ("<key>.v2.es")
    message_key: str
    message_version: int
    lang: str

    def __str__(self) -> str:
        return f"{self.campaign}/{self.message_key}.v{self.message_version}.{self.lang}"


def item_id(campaign: str, message_key: str, message_version: int, lang: str) -> str:
    """The id of the slide of `message_key` version `message_version` in `lang`."""
    return str(ItemRef(campaign, message_key, message_version, lang))


def parse_item_id(text: str) -> ItemRef | None:
    """The parts of an item id, or None when `text` is not one (a player may send anything)."""
    match = _PATTERN.match(text)
    if match is None:
        return None
    campaign = match["campaign"] or ""
    return ItemRef(campaign, match["key"], int(match["version"]), match["lang"])
