"""Files users attach (to messages or attachment options), served back on the fake's own "CDN"."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from fake_gateway.payloads import Json
from fake_gateway.state import FakeState

CDN_PREFIX = "/attachments"


@dataclass(frozen=True)
class Upload:
    """A file a test user attaches: its name, bytes and media type."""

    filename: str
    data: bytes
    content_type: str = "text/plain; charset=utf-8"


def store_upload(state: FakeState, upload: Upload, channel_id: int) -> Json:
    """Keep ``upload`` where its URL points and return the attachment payload Discord would send."""
    attachment_id = state.ids.next_str()
    path = f"{CDN_PREFIX}/{channel_id}/{attachment_id}/{upload.filename}"
    state.uploads[path] = upload.data
    return {
        "id": attachment_id,
        "filename": upload.filename,
        "size": len(upload.data),
        "url": state.base_url + path,
        "proxy_url": state.base_url + path,
        "content_type": upload.content_type,
    }


def install_cdn(app: web.Application, state: FakeState) -> None:
    async def serve(request: web.Request) -> web.Response:
        data = state.uploads.get(request.path)
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, headers={"Content-Type": "application/octet-stream"})

    app.router.add_get(CDN_PREFIX + "/{channel_id}/{attachment_id}/{filename}", serve)
