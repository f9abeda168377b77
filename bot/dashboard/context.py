"""What every page handler reaches through the request: the core services, settings and templates."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from bot.config import DashboardSettings
from bot.core.moderation import ImportPreview, TopicEditor
from bot.core.sign_in import UsedLinks
from bot.core.storage import TopicRepository
from bot.core.usage.queries import UsageQueries
from bot.dashboard.moderators import Moderator, signed_in

TEMPLATES_DIR: Final = Path(__file__).resolve().parent / "templates"
#: How long an upload's preview waits for its confirmation.
PENDING_IMPORT_SECONDS: Final = 30 * 60


@dataclass(frozen=True)
class PendingImport:
    guild_id: int
    user_id: int
    preview: ImportPreview
    created: float


@dataclass
class PendingImports:
    """Previewed uploads waiting for their Confirm, by a random id (in this process's memory)."""

    items: dict[str, PendingImport] = field(default_factory=dict)

    def add(self, pending: PendingImport) -> str:
        self._forget_old()
        key = secrets.token_urlsafe(16)
        self.items[key] = pending
        return key

    def take(self, key: str, who: Moderator) -> ImportPreview | None:
        self._forget_old()
        pending = self.items.get(key)
        if pending is None or (pending.guild_id, pending.user_id) != (who.guild_id, who.user_id):
            return None
        del self.items[key]
        return pending.preview

    def _forget_old(self) -> None:
        now = time.monotonic()
        for key in [k for k, p in self.items.items() if now - p.created > PENDING_IMPORT_SECONDS]:
            del self.items[key]


def base_path(settings: DashboardSettings) -> str:
    """The path the dashboard lives under (``/topicbot`` for ``https://example.org/topicbot``), or ``""``."""
    return urlsplit(settings.public_url).path.rstrip("/")


@dataclass
class Dashboard:
    """The dashboard's dependencies: the one write path, the store to read, sign-in links, settings."""

    editor: TopicEditor
    repository: TopicRepository
    links: UsedLinks
    settings: DashboardSettings
    clock: Callable[[], datetime]
    #: The usage log's questions (misses, statistics); ``None`` when it is off.
    usage: UsageQueries | None = None
    pending: PendingImports = field(default_factory=PendingImports)
    templates: Jinja2Templates = field(init=False)

    def __post_init__(self) -> None:
        environment = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"]),
                                  trim_blocks=True, lstrip_blocks=True)
        environment.globals["link"] = self.link
        self.templates = Jinja2Templates(env=environment)

    @property
    def base(self) -> str:
        return base_path(self.settings)

    def link(self, path: str, **params: Any) -> str:  # noqa: ANN401 - template values of any kind
        """A dashboard address under the base path, with query parameters (``None`` values left out)."""
        query = urlencode({k: v for k, v in params.items() if v is not None})
        return f"{self.base}{path}{'?' + query if query else ''}"

    def render(self, request: Request, name: str, context: Mapping[str, Any] | None = None, *,
               status: int = 200) -> Response:
        values = {"who": signed_in(request), "base": self.base, **(context or {})}
        return self.templates.TemplateResponse(request, name, values, status_code=status)


def dashboard_of(request: Request) -> Dashboard:
    found: Dashboard = request.app.state.dashboard
    return found
