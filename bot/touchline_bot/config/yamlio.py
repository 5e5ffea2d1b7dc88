"""Reading YAML for configuration without ever making a float, and without silent surprises.

PyYAML turns ``0.70`` into a binary float and lets a repeated key silently win. Our loader
constructs every YAML float scalar as an exact :class:`decimal.Decimal` from its source text, so
``max_order_notional_dollars: 3.10`` is exactly $3.10, and refuses a mapping that names the same
key twice (a doubled ``ticker:`` is a typo, not an override). Booleans are only
``true``/``false`` and integers only plain decimals (YAML 1.2), so ``yes``/``no`` and
``0123`` stay strings. Anchors and aliases are refused (their expansion is unbounded). Parse
failures raise :class:`YamlError` with the line and column.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml


class YamlError(ValueError):
    """The text is not well-formed YAML (or repeats a key); the message says where."""


class _Loader(yaml.SafeLoader):
    """A safe loader whose floats are Decimals, whose mappings reject repeated keys, and which
    refuses anchors and aliases: an alias is expanded wherever it is used, so a few hundred
    bytes of nested aliases become gigabytes (a "billion laughs"), and a configuration file
    has no need of them."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        # PyYAML's stubs leave peek_event untyped.
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases are not allowed", event.start_mark
            )
        node: yaml.Node | None = super().compose_node(parent, index)
        return node


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    if not isinstance(node, yaml.ScalarNode):
        raise yaml.constructor.ConstructorError(None, None, "expected a number", node.start_mark)
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        # Decimal() refuses YAML's ".nan" and ".inf" spellings: no infinite limits.
        value = Decimal(text)
    except InvalidOperation as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a decimal number", node.start_mark
        ) from exc
    return value


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.Node) -> dict[Any, Any]:
    if not isinstance(node, yaml.MappingNode):
        raise yaml.constructor.ConstructorError(None, None, "expected a mapping", node.start_mark)
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"the key {key!r} appears twice",
                key_node.start_mark,
            )
        seen.add(key)
    return dict(loader.construct_pairs(node, deep=True))


_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"


def _yaml12_scalars() -> None:
    # YAML 1.1 reads yes/no/on/off as booleans, which turns ``token_ids: {yes: ...}`` and
    # ``outcome: no`` into True/False; and it reads 0123 as octal and 1:30 as 90. Like YAML 1.2,
    # only true/false are booleans here, and only plain decimal numerals are integers (a
    # leading zero keeps the value a string, so no digit of a token id is ever lost).
    _Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in {_BOOL, _INT}]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _Loader.add_implicit_resolver(
        _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    _Loader.add_implicit_resolver(
        _INT, re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
    )


_yaml12_scalars()
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse(text: str) -> Any:
    """Parse one YAML document: floats become ``Decimal``, repeated keys are refused."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = exc.problem or exc.context or "not valid YAML"
        raise YamlError(f"{where}{problem}") from exc
    except yaml.YAMLError as exc:
        raise YamlError(f"not valid YAML: {exc}") from exc
