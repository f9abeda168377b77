"""The optional semantic signal: sentence embeddings of topics and questions (``pip install -e '.[semantic]'``).

Importing this package never imports numpy or a model library; they are loaded when an embedder
or a ``SemanticIndex`` is made, which raises ``SemanticUnavailableError`` (one line naming the
extra) when they are missing.
"""

from bot.core.semantic.embedders import (
    BUNDLED,
    BUNDLED_MODEL_DIR,
    Embedder,
    SemanticUnavailableError,
    SentenceTransformerEmbedder,
    StaticEmbedder,
    load_embedder,
)
from bot.core.semantic.index import Key, SemanticIndex
from bot.core.semantic.topic_text import content_hash, topic_text_parts
from bot.core.semantic.vector_cache import MemoryVectorCache, SqliteVectorCache, VectorCache, default_cache_path

__all__ = [
    "BUNDLED",
    "BUNDLED_MODEL_DIR",
    "Embedder",
    "Key",
    "MemoryVectorCache",
    "SemanticIndex",
    "SemanticUnavailableError",
    "SentenceTransformerEmbedder",
    "SqliteVectorCache",
    "StaticEmbedder",
    "VectorCache",
    "content_hash",
    "default_cache_path",
    "load_embedder",
    "topic_text_parts",
]
