"""Filters written in the shape every server answers through its indexes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def all_of(*clauses: Mapping[str, Any]) -> dict[str, Any]:
    """One filter that holds where every clause does, as a plain document if it can be.

    MongoDB reads ``{"a": 1, "b": {"$gt": 2}}`` and the same clauses under ``$and``
    alike, but the embedded server answers an ``$and`` by reading the whole
    collection. So clauses on different fields, and operators on one field, are
    merged; only clauses that cannot be (logical operators, a field given twice
    in ways that clash) keep their ``$and``."""
    merged: dict[str, Any] = {}
    for clause in clauses:
        for field, condition in clause.items():
            if field.startswith("$"):
                return {"$and": [dict(c) for c in clauses]}
            if field not in merged:
                merged[field] = condition
            elif (
                _operators(merged[field])
                and _operators(condition)
                and not (set(merged[field]) & set(condition))
            ):
                merged[field] = {**merged[field], **condition}
            else:
                return {"$and": [dict(c) for c in clauses]}
    return merged


def _operators(condition: Any) -> bool:
    return (
        isinstance(condition, Mapping)
        and bool(condition)
        and all(str(key).startswith("$") for key in condition)
    )
