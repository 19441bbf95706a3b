"""DynamoDB attribute values between boto3 and their JSON wire form.

boto3's low-level client decodes binary attributes (B, BS) to bytes; Lambda
events and files carry them base64-encoded, as the DynamoDB JSON protocol does.
"""
from __future__ import annotations

import base64
from typing import Any


def to_wire(item: dict[str, Any]) -> dict[str, Any]:
    """An item (attribute name -> value) from boto3 form to wire form."""
    return {name: _to_wire(value) for name, value in item.items()}


def from_wire(item: dict[str, Any]) -> dict[str, Any]:
    """An item from wire form back to what boto3's client accepts."""
    return {name: _from_wire(value) for name, value in item.items()}


def _to_wire(value: dict[str, Any]) -> dict[str, Any]:
    (kind, inner), = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(member).decode() for member in inner]}
    if kind == "L":
        return {"L": [_to_wire(member) for member in inner]}
    if kind == "M":
        return {"M": to_wire(inner)}
    return {kind: inner}


def _from_wire(value: dict[str, Any]) -> dict[str, Any]:
    (kind, inner), = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(member) for member in inner]}
    if kind == "L":
        return {"L": [_from_wire(member) for member in inner]}
    if kind == "M":
        return {"M": from_wire(inner)}
    return {kind: inner}
