"""Serializer fields and small references shared by every API app.

``EnumField`` documents a choice field as one named enum component (with its drf-spectacular
extension, registered when this module is imported).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers


class NameRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EnumField(serializers.ChoiceField):
    """A choice field documented as one named enum component, e.g. ``HouseholdStatusEnum``.

    Several apps have fields named ``status``, ``role`` or ``kind`` with different choices;
    naming the enum after its ``TextChoices`` keeps the schema free of hashed enum names.
    """

    def __init__(self, enum: type[models.TextChoices], **kwargs: Any) -> None:
        self.enum_name = f"{enum.__name__}Enum"
        super().__init__(choices=enum.choices, **kwargs)


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        field: EnumField = self.target
        choices = [(value, label) for value, label in field.choices.items() if value != ""]
        schema = {
            "type": "string",
            "enum": [value for value, _label in choices],
            "description": "\n".join(f"* `{value}` - {label}" for value, label in choices),
        }
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema=schema,
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


def register_strict_strings() -> None:
    """Every text field of a JSON body refuses a number or a boolean (project-wide).

    DRF's ``CharField`` turns ``0`` into ``"0"``: a client that sends the wrong type would
    find its mistake stored instead of refused, and the OpenAPI schema, which says
    ``string``, would not be what the API does. Called once from ``AccountsConfig.ready``;
    query strings and form data are text anyway, so only JSON bodies notice.
    """
    if getattr(serializers.CharField, "_doorbraak_strict", False):
        return
    loose = serializers.CharField.to_internal_value

    def to_internal_value(self: serializers.CharField, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return loose(self, data)

    serializers.CharField.to_internal_value = to_internal_value  # type: ignore[method-assign,assignment]
    serializers.CharField._doorbraak_strict = True  # type: ignore[attr-defined]
