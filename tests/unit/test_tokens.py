"""``normalize`` takes a short cut for ASCII text: it must give what the full Unicode path gives."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.engine.tokens import normalize, stem


def _normalize_by_the_full_path(text: str) -> str:
    """``normalize`` as written before the ASCII short cut: every text through NFKD and the filters."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf")
    folded = re.sub(r"(\w)['’]s\b", r"\1", folded)
    folded = re.sub(r"['’]", "", folded)
    folded = re.sub(r"(?<![0-9a-z])(?:[a-z]\.){1,}[a-z](?![0-9a-z])\.?", lambda m: m.group(0).replace(".", ""), folded)
    return re.sub(r"[^0-9a-z]+", " ", folded).strip()


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_text_normalizes_as_by_the_full_path(text: str) -> None:
    assert normalize(text) == _normalize_by_the_full_path(text)


@settings(max_examples=500)
@given(st.text(max_size=40))
def test_any_text_normalizes_as_by_the_full_path(text: str) -> None:
    assert normalize(text) == _normalize_by_the_full_path(text)


def test_accents_and_invisible_characters_still_go() -> None:
    assert normalize("Café Way\u200bmo A.G.I.") == "cafe waymo agi"
    assert stem("robotaxis") == stem("robotaxi") == "robotaxi"
