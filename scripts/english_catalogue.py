"""Fill the English catalogue's empty entries with their source text (msgids are English)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(path: str) -> None:
    file = Path(path)
    with file.open("rb") as handle:
        catalogue = read_po(handle, locale="en")
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
    with file.open("wb") as handle:
        write_po(handle, catalogue, omit_header=False, sort_by_file=True, width=100)


if __name__ == "__main__":
    main(sys.argv[1])
