"""Interaction callbacks and the interaction webhook (follow-ups, ``@original``) of the fake.

Like Discord: one callback per interaction (a second gets 400, code 40060), only the callback
types valid for the interaction's type, follow-ups only after the callback.
"""

from __future__ import annotations

import time

from fake_gateway import limits
from fake_gateway.bot_messages import EPHEMERAL, LOADING, create_bot_message, for_bot
from fake_gateway.http_io import Call, Result, error, reject
from fake_gateway.payloads import Json
from fake_gateway.state import FakeState, InteractionRecord


class InteractionApi:
    """Handlers for ``/interactions/...`` and ``/webhooks/{application_id}/{token}...``."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    async def interaction_callback(self, call: Call) -> Result:
        record = self.state.interactions.get(call.params["interaction_id"])
        if record is None or record.token != call.params["token"]:
            return error(404, 10062, "Unknown interaction")
        elapsed = time.monotonic() - record.dispatched_at
        deadline = self.state.callback_deadline
        if record.callback_type is None and deadline is not None and elapsed > deadline:
            return error(404, 10062, "Unknown interaction")  # what Discord answers after its 3 s window
        if record.callback_type is not None:
            return error(400, 40060, "Interaction has already been acknowledged.")
        body = call.json or {}
        kind = int(body.get("type", 0))
        data: Json = body.get("data") or {}
        allowed = {
            2: {4, 5, 9},  # application command
            3: {4, 5, 6, 7, 9},  # component
            4: {8},  # autocomplete
            5: {4, 5, 6, 7} if "message" in record.payload else {4, 5},  # modal submit
        }[record.kind]
        if kind not in allowed:
            return error(
                400,
                50035,
                "Invalid Form Body",
                [f"callback type {kind} is not valid for interaction type {record.kind}"],
            )
        problems = (
            limits.choices_problems(data) if kind == 8 else limits.message_problems(data) if kind in (4, 7) else []
        )
        if problems:
            return error(400, 50035, "Invalid Form Body", problems)
        record.callback_type = kind
        record.answered_after = elapsed
        record.callback_data = data
        channel_id = record.payload["channel_id"]
        guild = self.state.world.guild_id
        resource_message: Json | None = None
        if kind in (4, 5):
            flags = int(data.get("flags") or 0) & EPHEMERAL
            if kind == 5:
                flags |= LOADING
            payload = data if kind == 4 else {"content": ""}
            resource_message = create_bot_message(
                self.state, channel_id, guild, payload, call.files, None, flags=flags, interaction=record
            )
        elif kind in (6, 7):
            resource_message = self.state.messages.get(str(record.payload.get("message", {}).get("id")))
            if kind == 7 and resource_message is not None:
                resource_message = self.state.edit_message(resource_message["id"], data)
        if resource_message is not None:
            record.original_message_id = resource_message["id"]
        answer: Json = {
            "interaction": {
                "id": record.id,
                "type": record.kind,
                "response_message_id": record.original_message_id,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
            }
        }
        if resource_message is not None or kind in (8, 9):
            answer["resource"] = {"type": kind}
            if resource_message is not None:
                answer["resource"]["message"] = for_bot(self.state, resource_message)
        return 200, answer

    def _webhook_interaction(self, call: Call) -> InteractionRecord:
        if call.params["application_id"] != str(self.state.world.application_id):
            raise reject(404, 10015, "Unknown Webhook")
        record = self.state.interaction_by_token(call.params["token"])
        if record is None or record.callback_type is None:
            raise reject(404, 10015, "Unknown Webhook")
        return record

    def _webhook_message(self, call: Call) -> tuple[InteractionRecord, Json]:
        record = self._webhook_interaction(call)
        wanted = call.params["message_id"]
        message_id = record.original_message_id if wanted == "@original" else wanted
        found = self.state.messages.get(str(message_id))
        if found is None:
            raise reject(404, 10008, "Unknown Message")
        return record, found

    async def create_followup(self, call: Call) -> Result:
        record = self._webhook_interaction(call)
        payload = call.json or {}
        problems = limits.message_problems(payload)
        if problems:
            return error(400, 50035, "Invalid Form Body", problems)
        flags = int(payload.get("flags") or 0) & EPHEMERAL
        sent = create_bot_message(
            self.state,
            record.payload["channel_id"],
            self.state.world.guild_id,
            payload,
            call.files,
            None,
            flags=flags,
            interaction=record,
        )
        if call.query.get("wait", "false").lower() in ("true", "1"):
            return 200, for_bot(self.state, sent)
        return 204, None

    async def get_webhook_message(self, call: Call) -> Result:
        _record, message = self._webhook_message(call)
        return 200, for_bot(self.state, message)

    async def edit_webhook_message(self, call: Call) -> Result:
        _record, message = self._webhook_message(call)
        problems = limits.message_problems(call.json or {})
        if problems:
            return error(400, 50035, "Invalid Form Body", problems)
        edited = self.state.edit_message(message["id"], call.json or {})
        edited["flags"] = int(edited.get("flags") or 0) & ~LOADING
        return 200, for_bot(self.state, edited)

    async def delete_webhook_message(self, call: Call) -> Result:
        _record, message = self._webhook_message(call)
        self.state.messages.pop(message["id"], None)
        return 204, None
