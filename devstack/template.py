"""Reading infra/template.json: the one description of the AWS resources.

Both the local emulator (devstack/resources.py) and the deploy package
(devstack/package.py) read the template through this module, so a state machine
is loaded, substituted and validated the same way in both places.

A state machine's ASL lives in its own file, referenced with
`DefinitionS3Location: <path relative to the template>` (the form
`aws cloudformation package` also understands). The package inlines it as a
`Definition` object, which is what cfn-lint validates.
"""
from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from devstack.project import TEMPLATE_PATH

STATE_MACHINE_TYPE = "AWS::StepFunctions::StateMachine"
_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


class TemplateError(Exception):
    """The template asks for something the local stack cannot reproduce."""


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    return json.loads(Path(path).read_text())


def resources_of_type(template: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template.get("Resources", {}).items()
        if resource.get("Type") == resource_type
    }


def load_definition(resource: Mapping[str, Any], template_dir: Path) -> dict[str, Any]:
    """The ASL of a state machine resource, as an object, before substitutions."""
    properties = resource.get("Properties", {})
    if "Definition" in properties:
        return copy.deepcopy(properties["Definition"])
    if isinstance(properties.get("DefinitionString"), str):
        return json.loads(properties["DefinitionString"])
    location = properties.get("DefinitionS3Location")
    if isinstance(location, str):
        return json.loads((Path(template_dir) / location).read_text())
    raise TemplateError(
        "a state machine needs Definition, DefinitionString or a DefinitionS3Location "
        "that is a path next to the template"
    )


def inline_definitions(template: Mapping[str, Any], template_dir: Path) -> dict[str, Any]:
    """A copy of the template where every state machine carries its ASL as `Definition`."""
    inlined = copy.deepcopy(dict(template))
    for resource in resources_of_type(inlined, STATE_MACHINE_TYPE).values():
        definition = load_definition(resource, template_dir)
        properties = resource["Properties"]
        for key in ("DefinitionS3Location", "DefinitionString"):
            properties.pop(key, None)
        properties["Definition"] = definition
    return inlined


def substitute(definition: Any, substitutions: Mapping[str, str]) -> Any:
    """Apply DefinitionSubstitutions: `${Name}` in any string becomes its value."""
    if isinstance(definition, dict):
        return {substitute(k, substitutions): substitute(v, substitutions) for k, v in definition.items()}
    if isinstance(definition, list):
        return [substitute(v, substitutions) for v in definition]
    if isinstance(definition, str):
        return _PLACEHOLDER.sub(
            lambda match: substitutions.get(match.group(1), match.group(0)), definition
        )
    return definition


def placeholders(definition: Any) -> set[str]:
    """`${Name}` placeholders left in a definition (each one is a broken reference)."""
    return set(_PLACEHOLDER.findall(json.dumps(definition)))


class Unresolvable(TemplateError):
    """An intrinsic function the local resolver has no local value for."""


Resolver = Callable[[Any], str]


def make_resolver(
    refs: Mapping[str, str], attributes: Mapping[tuple[str, str], str], pseudo: Mapping[str, str]
) -> Resolver:
    """Resolve Ref, Fn::GetAtt and Fn::Sub against local values.

    Only what the local stack needs: references to resources it created and the
    pseudo parameters. Anything else raises Unresolvable, so a new kind of
    reference in the template fails loudly instead of becoming a wrong string.
    """

    def lookup(name: str) -> str:
        if name in pseudo:
            return pseudo[name]
        if "." in name:
            logical_id, attribute = name.split(".", 1)
            if (logical_id, attribute) in attributes:
                return attributes[(logical_id, attribute)]
        elif name in refs:
            return refs[name]
        raise Unresolvable(f"no local value for {name!r}")

    def resolve(value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, dict) and len(value) == 1:
            (function, argument), = value.items()
            if function == "Ref":
                return lookup(argument)
            if function == "Fn::GetAtt":
                logical_id, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
                return lookup(f"{logical_id}.{attribute}")
            if function == "Fn::Sub":
                text, variables = (argument, {}) if isinstance(argument, str) else argument
                if "{{resolve:" in text:
                    raise Unresolvable(f"dynamic reference {text!r} has no local value")
                local = {key: resolve(v) for key, v in variables.items()}
                return _PLACEHOLDER.sub(
                    lambda match: local.get(match.group(1)) or lookup(match.group(1)), text
                )
        raise Unresolvable(f"cannot resolve {value!r} locally")

    return resolve


def function_environment(template: Mapping[str, Any]) -> dict[str, Any]:
    """Every environment variable the template gives functions (Globals and overlays).

    Values are left unresolved (Ref, Fn::Sub...). Per-function values override
    the Globals ones, as SAM does.
    """
    variables: dict[str, Any] = dict(
        template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    )
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") not in (None, "AWS::Serverless::Function", "AWS::Lambda::Function"):
            continue
        variables.update(resource.get("Properties", {}).get("Environment", {}).get("Variables", {}))
    return variables
