"""Building models from caller input, with errors that name the field."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from core.errors import InvalidInput

ModelT = TypeVar("ModelT", bound=BaseModel)


def build(model: type[ModelT], **values: Any) -> ModelT:
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise as_invalid_input(error) from None


def as_invalid_input(error: ValidationError) -> InvalidInput:
    first = error.errors()[0]
    # pydantic marks a bad dict key with a "[key]" step; the key itself names the field.
    field = ".".join(str(part) for part in first["loc"] if part != "[key]") or "value"
    message = first["msg"]
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    elif first["type"] == "string_pattern_mismatch":
        message = f"{first['input']!r} is not allowed here"
    elif first["type"] == "extra_forbidden":
        message = "is not a field that can be set"
    return InvalidInput(field, message[0].lower() + message[1:])


def revise(record: ModelT, **changes: Any) -> ModelT:
    """A validated copy of ``record`` with some fields replaced (None = unchanged)."""
    updates = {key: value for key, value in changes.items() if value is not None}
    return build(type(record), **(record.model_dump() | updates))
