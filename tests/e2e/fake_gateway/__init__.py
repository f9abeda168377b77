"""A loopback fake of Discord's REST API and gateway for end-to-end tests of the real client.

Named ``fake_gateway`` (never ``discord``) so it cannot shadow the library under test.
"""

from fake_gateway.command_data import CommandShapeError
from fake_gateway.mentions import Pings
from fake_gateway.message_content import MESSAGE_CONTENT_INTENT
from fake_gateway.recording import RecordedFile, RecordedRequest
from fake_gateway.server import CALLBACK_ROUTE, CHANNEL_MESSAGE_ROUTE, DEFAULT_TOKEN, FakeDiscord
from fake_gateway.state import InteractionRecord
from fake_gateway.uploads import Upload

__all__ = [
    "CALLBACK_ROUTE",
    "CHANNEL_MESSAGE_ROUTE",
    "DEFAULT_TOKEN",
    "MESSAGE_CONTENT_INTENT",
    "CommandShapeError",
    "FakeDiscord",
    "InteractionRecord",
    "Pings",
    "RecordedFile",
    "RecordedRequest",
    "Upload",
]
