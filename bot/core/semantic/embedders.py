"""Text → unit vectors. ``load_embedder(spec)`` picks the implementation from the configured model.

Every model library is imported here, lazily, inside the functions that need it: importing this
module costs nothing, and a default install (without ``.[semantic]``) only fails, with one line
saying what to install, when an embedder is actually asked for.

Model specs (the ``[semantic] model`` setting):

* ``"bundled"`` (the default): the static model shipped in ``bot/core/semantic/models/minilm-static``,
  distilled from all-MiniLM-L6-v2 by ``python -m bot.core.semantic.distill`` (model2vec).
* a local folder or a Hugging Face hub name of another model2vec static model.
* ``"sentence-transformers:NAME_OR_PATH"``: a sentence-transformers model such as all-MiniLM-L6-v2
  (needs torch: ``pip install -e '.[semantic-minilm]'``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

from bot.core.errors import MissingExtraError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatMatrix = npt.NDArray[np.float32]

#: The static model shipped with Topicbot.
BUNDLED_MODEL_DIR: Final = Path(__file__).resolve().parent / "models" / "minilm-static"
BUNDLED: Final = "bundled"
SENTENCE_TRANSFORMERS_PREFIX: Final = "sentence-transformers:"


class SemanticUnavailableError(MissingExtraError):
    """The semantic signal was asked for, but the libraries or the model it needs are missing."""


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors, one row per text (an empty text gives zeros)."""

    @property
    def model_id(self) -> str:
        """Names the model and its weights; part of every cached vector's key."""
        ...

    @property
    def dimensions(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> FloatMatrix: ...


def unit_rows(matrix: Any) -> FloatMatrix:  # noqa: ANN401 - any array-like from a model library
    """``matrix`` as contiguous float32 with every non-zero row scaled to length 1."""
    import numpy as np

    rows = np.ascontiguousarray(matrix, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows.reshape(1, -1)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: FloatMatrix = rows / norms
    return result


def _missing(package: str, extra: str) -> SemanticUnavailableError:
    return SemanticUnavailableError(
        f"the semantic signal needs {package}: install it with pip install -e '.[{extra}]' "
        "(or set [semantic] enabled = false)"
    )


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class StaticEmbedder:
    """A model2vec static model: a token → vector table, averaged. Microseconds per question, no torch."""

    def __init__(self, name_or_path: str | Path) -> None:
        try:
            from model2vec import StaticModel
        except ImportError as exc:
            raise _missing("model2vec", "semantic") from exc
        path = Path(name_or_path).expanduser()
        try:
            self._model = StaticModel.from_pretrained(path if path.exists() else str(name_or_path))
        except Exception as exc:  # a hub lookup offline, a folder without a model: one line, not a traceback
            raise SemanticUnavailableError(
                f"cannot load the static model {str(name_or_path)!r} named by [semantic] model: {exc}"
            ) from exc
        weights = path / "model.safetensors"
        version = _file_digest(weights)[:16] if weights.is_file() else "hub"
        self._model_id = f"model2vec:{path.name if path.exists() else name_or_path}@{version}"

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dimensions(self) -> int:
        return int(self._model.dim)

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        if not texts:
            import numpy as np

            return np.zeros((0, self.dimensions), dtype=np.float32)
        return unit_rows(self._model.encode(list(texts), use_multiprocessing=False))


class SentenceTransformerEmbedder:
    """A sentence-transformers model (all-MiniLM-L6-v2 and the like): better paraphrases, needs torch."""

    def __init__(self, name_or_path: str | Path) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise _missing("sentence-transformers", "semantic-minilm") from exc
        path = Path(name_or_path).expanduser()
        try:
            self._model = SentenceTransformer(str(path if path.exists() else name_or_path), device="cpu")
        except Exception as exc:  # see StaticEmbedder
            raise SemanticUnavailableError(
                f"cannot load the sentence-transformers model {str(name_or_path)!r} named by [semantic] model: {exc}"
            ) from exc
        # sentence-transformers 6 renamed the method (the old name warns); 3–5 have only the old one.
        measure = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dimensions = measure()
        if dimensions is None:
            raise SemanticUnavailableError(f"{str(name_or_path)!r} does not say its embedding size")
        self._dimensions = int(dimensions)
        found = (path / name for name in ("model.safetensors", "pytorch_model.bin") if (path / name).is_file())
        weights = next(found, None)
        version = f"@{_file_digest(weights)[:16]}" if weights is not None else ""
        self._model_id = f"sentence-transformers:{path.name if path.exists() else name_or_path}{version}"

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dimensions(self) -> int:
        return self._dimensions

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        if not texts:
            import numpy as np

            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False
        )
        return unit_rows(vectors)


def load_embedder(spec: str = BUNDLED) -> Embedder:
    """The embedder a ``[semantic] model`` value names (see the module docstring)."""
    spec = spec.strip() or BUNDLED
    if spec.startswith(SENTENCE_TRANSFORMERS_PREFIX):
        return SentenceTransformerEmbedder(spec.removeprefix(SENTENCE_TRANSFORMERS_PREFIX).strip())
    if spec == BUNDLED:
        if not (BUNDLED_MODEL_DIR / "model.safetensors").is_file():
            raise SemanticUnavailableError(f"the bundled static model is missing from {BUNDLED_MODEL_DIR}")
        return StaticEmbedder(BUNDLED_MODEL_DIR)
    return StaticEmbedder(spec)
