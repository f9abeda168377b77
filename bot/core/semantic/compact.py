"""Unit vectors kept compactly: one signed byte per component and one float32 scale per vector.

A vector ``v`` (a unit vector, or zeros) is stored as ``codes = round(127 * v / max|v|)`` (int8) and
``scale = 1 / ‖codes‖``, so ``codes * scale`` is again a unit vector: a quarter of float32's memory,
and cosines computed with it are cosines (the rounding turns the vector a little, it never shortens
it). Each component is off by at most half a step, ``max|v| / 254``, so the cosine of the dequantised
vector with the original is at least ``sqrt(1 - d / (4 * 127**2))`` for any ``d``-dimensional unit
vector (0.998 at 256 dimensions, reached only by a vector with one large component and every other
one just under half a step). For the bundled model's vectors of the project's records it is 0.9998
or more, and a question's cosine with a topic moves by 0.0007 on average, 0.004 at most (892 labelled
questions against 58 topics). A zero vector (an empty text) stays zeros, with scale 0.

``encode``/``decode`` give the form the vector cache keeps: the scale as 4 little-endian float32
bytes, then the codes. ``FORMAT`` names that form; the cache keeps it in a table of its own, so a
cache written by another form is never read as this one.

numpy is imported inside the functions, as in the rest of ``bot.core.semantic``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from bot.core.semantic.embedders import FloatMatrix

    CodeMatrix = npt.NDArray[np.int8]

#: The stored form's name: int8 codes with a float32 scale, scale first (part of the cache's table name).
FORMAT: Final = "q8"
#: The largest code; codes run from -127 to 127 (-128 is never used, so the codes are symmetric).
_LEVELS: Final = 127
#: Bytes of the scale in front of an encoded vector.
_SCALE_BYTES: Final = 4


def quantize(rows: FloatMatrix) -> tuple[CodeMatrix, FloatMatrix]:
    """The int8 codes (one row per row of the 2-D ``rows``) and the float32 scales (one per row)."""
    import numpy as np

    matrix = np.asarray(rows, dtype=np.float32)
    peaks = np.abs(matrix).max(axis=1, initial=0.0, keepdims=True)
    # Divide before scaling up: 127 / a subnormal peak would overflow, the component over its peak cannot.
    codes = np.rint(matrix / np.where(peaks > 0, peaks, np.float32(1.0)) * _LEVELS).astype(np.int8)
    norms = np.linalg.norm(codes.astype(np.float32), axis=1)
    scales: FloatMatrix = np.divide(np.float32(1.0), norms, out=np.zeros_like(norms), where=norms > 0)
    return codes, scales


def dequantize(codes: CodeMatrix, scales: FloatMatrix) -> FloatMatrix:
    """The float32 rows that ``codes`` (2-D) with their ``scales`` stand for."""
    import numpy as np

    matrix: FloatMatrix = codes.astype(np.float32) * scales.astype(np.float32).reshape(-1, 1)
    return matrix


def encode(vector: FloatMatrix) -> bytes:
    """One vector in the cache's form: its scale (float32, little-endian), then its int8 codes."""
    codes, scales = quantize(vector.reshape(1, -1))
    return scales.astype("<f4").tobytes() + codes.tobytes()


def decode(blob: bytes, dimensions: int) -> tuple[CodeMatrix, float]:
    """The int8 codes and the scale of one ``encode``d vector; ``ValueError`` when ``blob`` is not one
    of ``dimensions`` components."""
    import numpy as np

    if len(blob) != _SCALE_BYTES + dimensions:
        raise ValueError(
            f"a cached vector has {len(blob)} bytes, a {FORMAT} vector of {dimensions} dimensions "
            f"{_SCALE_BYTES + dimensions}"
        )
    scale = float(np.frombuffer(blob, dtype="<f4", count=1)[0])
    return np.frombuffer(blob, dtype=np.int8, offset=_SCALE_BYTES), scale


def encoded_size(dimensions: int) -> int:
    """Bytes of one encoded vector of ``dimensions`` components."""
    return _SCALE_BYTES + dimensions
