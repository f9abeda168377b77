"""The topic store: SQLAlchemy tables, Alembic migrations and the repository over them."""

from bot.core.storage._writing import TopicWrite
from bot.core.storage.engine import make_engine, make_session_factory, migrate, storage_errors
from bot.core.storage.repository import TopicBatch, TopicRepository
from bot.core.storage.stored import GuildSettings, Revision, RevisionAction, StoredTopic
from bot.core.storage.usage import Follow, UsageStore

__all__ = [
    "Follow",
    "GuildSettings",
    "Revision",
    "RevisionAction",
    "StoredTopic",
    "TopicBatch",
    "TopicRepository",
    "TopicWrite",
    "UsageStore",
    "make_engine",
    "make_session_factory",
    "migrate",
    "storage_errors",
]
