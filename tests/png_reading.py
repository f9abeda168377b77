"""Reading a PNG in tests: its chunks checked (signature, CRCs, IHDR first, IEND last), its size and its text."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    #: The text chunks (tEXt and uncompressed iTXt): keyword -> text.
    text: dict[str, str]


def read_png(data: bytes) -> Png:
    """``data`` as a PNG; ``AssertionError`` naming what is wrong when it is not a valid one."""
    assert data[:8] == SIGNATURE, f"not a PNG: starts with {data[:8]!r}"
    position, kinds, text, size = 8, [], {}, (0, 0)
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in chunk {kind!r}"
        kinds.append(kind)
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"tEXt":
            keyword, _, value = body.partition(b"\0")
            text[keyword.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"iTXt":
            keyword, _, rest = body.partition(b"\0")
            compressed, rest = rest[0], rest[2:]
            _language, _, rest = rest.partition(b"\0")
            _translated, _, value = rest.partition(b"\0")
            text[keyword.decode("latin-1")] = (zlib.decompress(value) if compressed else value).decode("utf-8")
        position += 12 + length
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds, f"chunks out of order: {kinds}"
    return Png(size[0], size[1], text)
