"""YAML as admins' files may be trusted: safe types only, a key given twice is an error (not
a silent last-one-wins), and aliases are bounded, so a 60 KB "billion laughs" file cannot
grow into hundreds of megabytes."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node

from bot.i18n import _

MAX_ALIASES = 100  # real FAQ and schedule files use none


class YamlError(ValueError):
    """A file that is not YAML we accept; the message says where and why."""


class _StrictLoader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0

    def compose_node(self, parent: Node | None, index: object) -> Node | None:  # type: ignore[override]
        if self.check_event(AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    _("more than {count} aliases").format(count=MAX_ALIASES),
                    event.start_mark,
                )
        return super().compose_node(parent, index)  # type: ignore[no-any-return]

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if isinstance(key, list | dict) or key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    _("the key {key} is given twice").format(key=repr(key)),
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load(text: str, source: str) -> tuple[Any, Node | None]:
    """The data and its node tree (for line numbers); YamlError names the line."""
    try:
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()  # type: ignore[no-untyped-call]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (
            _("{source} line {line}").format(source=source, line=mark.line + 1)
            if mark is not None
            else source
        )
        problem = getattr(exc, "problem", exc)
        raise YamlError(
            _("{where}: not valid YAML ({problem})").format(where=where, problem=problem)
        ) from None
    except ValueError as exc:  # a date that does not exist, 2021-02-30
        raise YamlError(
            _("{where}: not valid YAML ({problem})").format(where=source, problem=exc)
        ) from None
    return data, node
