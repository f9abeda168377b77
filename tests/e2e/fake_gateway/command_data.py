"""Build an interaction's ``data`` for a registered command, checked against its registered schema.

The fake refuses what Discord's client could never send: unknown commands, subcommands or options,
missing required options, and values of the wrong type.
"""

from __future__ import annotations

from typing import Any

from fake_gateway.payloads import Json

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11


class CommandShapeError(AssertionError):
    """The test asked for an interaction Discord would not produce for the registered commands."""


def _find(options: list[Json], name: str, types: tuple[int, ...]) -> Json:
    for option in options:
        if option.get("name") == name and option.get("type") in types:
            return option
    names = [o.get("name") for o in options]
    raise CommandShapeError(f"no option {name!r} of type {types} among {names}")


def _value(definition: Json, value: Any, users: dict[str, Json], resolved: Json) -> Any:
    """The option's wire value; users, roles, channels and attachments also go into ``resolved``."""
    kind = definition["type"]
    name = definition["name"]
    choices = definition.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        raise CommandShapeError(f"{name}: {value!r} is not one of the choices {[c['value'] for c in choices]}")
    if kind == STRING and isinstance(value, str):
        low, high = definition.get("min_length"), definition.get("max_length")
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            raise CommandShapeError(f"{name}: {len(value)} characters is outside {low}..{high}")
        return value
    if kind in (INTEGER, NUMBER) and isinstance(value, int | float) and not isinstance(value, bool):
        if kind == INTEGER and not isinstance(value, int):
            raise CommandShapeError(f"{name}: {value!r} is not an integer")
        low, high = definition.get("min_value"), definition.get("max_value")
        if (low is not None and value < low) or (high is not None and value > high):
            raise CommandShapeError(f"{name}: {value} is outside {low}..{high}")
        return value
    if kind == BOOLEAN and isinstance(value, bool):
        return value
    if not isinstance(value, dict) or "id" not in value:
        raise CommandShapeError(f"option {name!r} of type {kind} cannot take {value!r}")
    key = str(value["id"])
    is_role = "permissions" in value and "username" not in value
    if kind == USER or (kind == MENTIONABLE and not is_role):
        resolved.setdefault("users", {})[key] = value
        member = users.get(key)
        if member is not None:
            resolved.setdefault("members", {})[key] = {k: v for k, v in member.items() if k != "user"}
        return key
    if kind in (ROLE, MENTIONABLE) and is_role:
        resolved.setdefault("roles", {})[key] = value
        return key
    if kind == CHANNEL and "type" in value:
        allowed = definition.get("channel_types")
        if allowed and value["type"] not in allowed:
            raise CommandShapeError(f"{name}: channel type {value['type']} is not in {allowed}")
        resolved.setdefault("channels", {})[key] = {**value, "permissions": "0"}
        return key
    if kind == ATTACHMENT and "filename" in value:
        resolved.setdefault("attachments", {})[key] = value
        return key
    raise CommandShapeError(f"option {name!r} of type {kind} cannot take {value!r}")


def command_data(
    command: Json,
    options: dict[str, Any] | None = None,
    *,
    subcommand: str | None = None,
    focused: str | None = None,
    members: dict[str, Json] | None = None,
) -> Json:
    """``data`` of a type 2 (or, with ``focused``, type 4) interaction for ``command``.

    ``subcommand`` is ``"show"`` or ``"group show"``; ``options`` maps option names to values
    (user options take a user payload); ``focused`` names the option being typed in.
    """
    given = dict(options or {})
    resolved: Json = {}
    schema: list[Json] = command.get("options") or []
    nest: list[tuple[str, int]] = []
    if subcommand:
        parts = subcommand.split()
        if len(parts) == 2:
            group = _find(schema, parts[0], (SUB_COMMAND_GROUP,))
            nest.append((parts[0], SUB_COMMAND_GROUP))
            schema = group.get("options") or []
        sub = _find(schema, parts[-1], (SUB_COMMAND,))
        nest.append((parts[-1], SUB_COMMAND))
        schema = sub.get("options") or []
    elif any(o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in schema):
        raise CommandShapeError(f"/{command['name']} has subcommands; pass subcommand=")
    leaf: list[Json] = []
    for name, value in given.items():
        definition = _find(schema, name, tuple(range(3, 12)))
        if name == focused:
            if not definition.get("autocomplete"):
                raise CommandShapeError(f"option {name!r} has no autocomplete")
            leaf.append({"name": name, "type": definition["type"], "value": str(value), "focused": True})
        else:
            leaf.append(
                {"name": name, "type": definition["type"], "value": _value(definition, value, members or {}, resolved)}
            )
    if focused is None:
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in given]
        if missing:
            raise CommandShapeError(f"required options missing: {missing}")
    elif focused not in given:
        raise CommandShapeError(f"focused option {focused!r} needs a (partial) value")
    wrapped: list[Json] = leaf
    for name, kind in reversed(nest):
        wrapped = [{"name": name, "type": kind, "options": wrapped}]
    data: Json = {"id": command["id"], "name": command["name"], "type": command.get("type", 1), "options": wrapped}
    if "guild_id" in command:
        data["guild_id"] = command["guild_id"]
    if resolved:
        data["resolved"] = resolved
    return data
