"""Safe YAML loading that remembers the line of every key.

Only ``yaml.SafeLoader`` is used: no Python objects can be built from a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sim.config.errors import ConfigError, Problem

KeyPath = tuple[str, ...]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (a silent override is a bug in a config)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None,
                f"duplicate key {key!r} (first at line {seen[key] + 1})",
                key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _lines(node: yaml.Node, path: KeyPath, out: dict[KeyPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            sub = (*path, str(key_node.value))
            out[sub] = key_node.start_mark.line + 1
            _lines(value_node, sub, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = (*path, str(i))
            out[sub] = item.start_mark.line + 1
            _lines(item, sub, out)


def load_yaml_mapping(path: Path, what: str = "file") -> tuple[dict[str, Any], dict[KeyPath, int]]:
    """Read a YAML mapping and the line of each key path. Raises ConfigError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError.single(path, f"{what} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError.single(path, f"cannot read {what}: {exc}") from None
    if not text.strip():
        raise ConfigError.single(path, f"the {what} is empty", allowed="a YAML mapping of keys")
    try:
        node = yaml.compose(text, Loader=_LineLoader)
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # An unclosed bracket or quote is found at the end of the stream: point where it opened.
        if exc.context_mark is not None and (mark is None or mark.line >= len(text.splitlines())):
            mark = exc.context_mark
        line = mark.line + 1 if mark else None
        detail = exc.problem or str(exc)
        if exc.context and "duplicate" not in (exc.problem or ""):
            detail = f"{exc.context}, {detail}"
        raise ConfigError([Problem(str(path), f"YAML syntax error: {detail}", line=line)]) from None
    except yaml.YAMLError as exc:
        raise ConfigError.single(path, f"YAML syntax error: {exc}") from None
    if data is None:
        raise ConfigError.single(path, f"the {what} is empty", allowed="a YAML mapping of keys")
    if not isinstance(data, dict):
        raise ConfigError.single(
            path, f"the {what} must be a mapping of keys, not a {type(data).__name__}",
            line=1, allowed="key: value lines")
    lines: dict[KeyPath, int] = {}
    _lines(node, (), lines)
    return data, lines
