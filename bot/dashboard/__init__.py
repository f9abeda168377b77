"""The moderators' web dashboard: browse, edit, review and revert a guild's topics in a browser.

An ASGI app (Starlette, Jinja2 templates, plain HTML forms; no JavaScript build) over the same core
as every other front end: every change goes through ``TopicEditor`` (the one write path), so it is
validated as in Discord, refused when stale, answered by every bot process through the change feed
and posted to the mod log once. Moderators sign in with one-time links (``bot.core.sign_in``) that
``/topic-admin dashboard`` hands out. Needs ``pip install -e '.[dashboard]'``.
"""

from bot.dashboard.app import build_app, create_app
from bot.dashboard.context import Dashboard

__all__ = ["Dashboard", "build_app", "create_app"]
