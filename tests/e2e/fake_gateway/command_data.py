"""Build an interaction's ``data`` for a registered command, checked against its registered schema.

The fake refuses what Discord's client could never send: unknown commands, subcommands or options,
missing required options, and values of the wrong type.
"""

from __future__ import annotations

from typing import Any

from fake_gateway.payloads import Json

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10


class CommandShapeError(AssertionError):
    """The test asked for an interaction Discord would not produce for the registered commands."""


def _find(options: list[Json], name: str, types: tuple[int, ...]) -> Json:
    for option in options:
        if option.get("name") == name and option.get("type") in types:
            return option
    names = [o.get("name") for o in options]
    raise CommandShapeError(f"no option {name!r} of type {types} among {names}")


def _value(definition: Json, value: Any, users: dict[str, Json], resolved: Json) -> Any:
    kind = definition["type"]
    name = definition["name"]
    if kind == STRING and isinstance(value, str):
        low, high = definition.get("min_length"), definition.get("max_length")
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            raise CommandShapeError(f"{name}: {len(value)} characters is outside {low}..{high}")
        return value
    if kind == INTEGER and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == NUMBER and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if kind == BOOLEAN and isinstance(value, bool):
        return value
    if kind in (USER, MENTIONABLE) and isinstance(value, dict):
        user_id = str(value["id"])
        resolved.setdefault("users", {})[user_id] = value
        member = users.get(user_id)
        if member is not None:
            resolved.setdefault("members", {})[user_id] = {k: v for k, v in member.items() if k != "user"}
        return user_id
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
