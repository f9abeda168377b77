"""What of a topic is embedded, and the hash that says when its vector must be recomputed."""

from __future__ import annotations

import hashlib

from bot.core.model import Topic

#: Separates the parts inside the hashed text; no record field can hold it (it is a control character).
_PART_SEPARATOR = "\x1f"


def topic_text_parts(topic: Topic) -> tuple[str, ...]:
    """The texts a topic's vector is made from, in order.

    The title; the other names and the description; the summary; the attributes as ``"name: value"``
    lines. Empty parts are left out. Timeline, background and web results are not embedded: they
    are news about the topic, not what it is, and would pull its vector towards whatever it touched.
    """
    names = ", ".join(topic.all_aliases)
    described = f"{names}. {topic.description}" if names else topic.description
    attributes = "\n".join(f"{attribute.name}: {attribute.value}" for attribute in topic.attributes)
    parts = (topic.title, described, topic.summary, attributes)
    return tuple(part.strip() for part in parts if part.strip())


def content_hash(parts: tuple[str, ...], model_id: str) -> str:
    """sha256 (hex) of the embedded text and the model that embeds it: the key of a cached vector."""
    digest = hashlib.sha256(model_id.encode("utf-8"))
    digest.update(b"\x00")
    digest.update(_PART_SEPARATOR.join(parts).encode("utf-8"))
    return digest.hexdigest()
