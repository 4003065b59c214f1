"""Safe YAML loading that remembers the line of every key.

Only ``yaml.SafeLoader`` is used: no Python objects can be built from a file. Limits
are checked on the event stream, before anything is built, so that a hostile or
careless file fails at once with a clear error instead of exhausting memory:
size (MAX_BYTES), nesting (MAX_DEPTH), aliases (MAX_ALIASES) and the size of the
document once aliases are expanded (MAX_NODES).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from sim.config.errors import ConfigError, Problem

KeyPath = tuple[str, ...]

MAX_BYTES = 1_000_000  # a scenario or experiment file is a few kB
MAX_DEPTH = 32  # nested mappings and lists
MAX_ALIASES = 100  # *references to &anchors
MAX_NODES = 100_000  # values in the document with every alias expanded


class _KeyProblem(yaml.constructor.ConstructorError):
    """A key that is not text or is repeated: a problem of content, not of YAML syntax."""


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate and non-text keys (a silent override is a bug in a config)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            shown = f" ({key_node.value!r})" if isinstance(key_node, yaml.ScalarNode) else ""
            raise _KeyProblem(None, None, f"a key must be text, not {_kind(key)}{shown}; "
                                          f"quote it if it is meant as text", key_node.start_mark)
        if key in seen:
            raise _KeyProblem(
                None, None,
                f"duplicate key {key!r} (first at line {seen[key] + 1})",
                key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


def _kind(value: Any) -> str:
    if value is None:
        return "empty (null)"
    return {bool: "true/false", int: "a number", float: "a number", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    """A date as YAML reads it (2029-01-20), or a problem at its line for one the calendar does not have."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        raise _KeyProblem(None, None, f"{node.value!r} is not a real date ({exc}); allowed: a calendar date "
                                      f"YYYY-MM-DD", node.start_mark) from None


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
# YAML 1.1 reads 1e-3 (no dot) as text; types are strict, so read it as the number it means.
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$"),
    list("-+0123456789."))


def _lines(node: yaml.Node, path: KeyPath, out: dict[KeyPath, int], seen: set[int]) -> None:
    """Line of each key path; an aliased node is walked once (never expanded)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            sub = (*path, str(key_node.value))
            out[sub] = key_node.start_mark.line + 1
            _lines(value_node, sub, out, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = (*path, str(i))
            out[sub] = item.start_mark.line + 1
            _lines(item, sub, out, seen)


def _check_events(text: str, file: str) -> None:
    """Depth and alias limits on the event stream: nothing is built yet, so this is cheap."""
    depth = aliases = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise ConfigError([Problem(file, f"nested more than {MAX_DEPTH} levels deep",
                                           line=event.start_mark.line + 1,
                                           allowed=f"at most {MAX_DEPTH} levels of mappings and lists")])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise ConfigError([Problem(file, f"more than {MAX_ALIASES} aliases (*name)",
                                           line=event.start_mark.line + 1,
                                           allowed=f"at most {MAX_ALIASES} aliases; write the values out")])


def _expanded_size(node: yaml.Node, file: str) -> int:
    """Values in the document with aliases expanded, computed without expanding (memoised)."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        if key in on_path:
            raise ConfigError([Problem(file, "an alias refers to the mapping or list that contains it",
                                       line=n.start_mark.line + 1, allowed="no recursive aliases")])
        on_path.add(key)
        if isinstance(n, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in n.value)
        elif isinstance(n, yaml.SequenceNode):
            total = 1 + sum(size(v) for v in n.value)
        else:
            total = 1
        on_path.discard(key)
        sizes[key] = min(total, MAX_NODES + 1)
        return sizes[key]

    return size(node)


def what_is(path: Path) -> str:
    """What a path that is not a regular file is, in words ('is a named pipe (FIFO)')."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "is a broken symbolic link" if os.path.islink(path) else "does not exist"
    except (OSError, ValueError) as exc:
        return f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
    mode = st.st_mode
    return ("is a folder" if stat.S_ISDIR(mode) else "is a named pipe (FIFO)" if stat.S_ISFIFO(mode) else
            "is a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "is a socket" if stat.S_ISSOCK(mode)
            else "is a regular file" if stat.S_ISREG(mode) else "is not a regular file")


def read_bytes(path: Path, what: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a small regular file, or a ConfigError saying why not: a folder, a device or a pipe
    is refused without opening it (never blocks on a FIFO, never reads /dev/zero)."""
    try:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            if os.path.islink(path):
                raise ConfigError.single(path, f"a broken symbolic link, not a {what}", allowed="a file") from None
            raise ConfigError.single(path, f"{what} not found") from None
        if stat.S_ISDIR(st.st_mode):
            raise ConfigError.single(path, f"is a folder, not a {what}", allowed="a file")
        if not stat.S_ISREG(st.st_mode):
            raise ConfigError.single(path, f"{what_is(path)}, not a {what}", allowed="a regular file")
        if st.st_size > max_bytes:
            raise ConfigError.single(path, f"the {what} is too large ({st.st_size:,} bytes)",
                                     allowed=f"at most {max_bytes:,} bytes")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since the check
                raise ConfigError.single(path, f"is not a regular file, not a {what}", allowed="a regular file")
            with os.fdopen(fd, "rb", closefd=False) as f:
                data = f.read(max_bytes + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        raise ConfigError.single(path, f"cannot read the {what}: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL in the path, say
        raise ConfigError.single(str(path).replace("\x00", "\\0"), f"not a usable path ({exc})") from None
    if len(data) > max_bytes:
        raise ConfigError.single(path, f"the {what} is too large (it grew while read)",
                                 allowed=f"at most {max_bytes:,} bytes")
    return data


def read_text(path: Path, what: str, max_bytes: int = MAX_BYTES) -> str:
    """A small regular text file, or a ConfigError saying why not (never blocks on a pipe).

    A UTF-8 byte-order mark (Excel writes one) is read and dropped."""
    data = read_bytes(path, what, max_bytes)
    if b"\x00" in data:
        raise ConfigError.single(path, f"the {what} is binary, not text", allowed="UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError([Problem(str(path), f"the {what} is not UTF-8 text (byte {exc.start})", line=line,
                                   allowed="UTF-8 text (with or without a byte-order mark)")]) from None


def load_yaml_mapping(path: Path, what: str = "file") -> tuple[dict[str, Any], dict[KeyPath, int]]:
    """Read a YAML mapping and the line of each key path. Raises ConfigError."""
    text = read_text(path, what)
    if not text.strip():
        raise ConfigError.single(path, f"the {what} is empty", allowed="a YAML mapping of keys")
    file = str(path)
    node = None
    try:
        _check_events(text, file)
        loader = _LineLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None and _expanded_size(node, file) > MAX_NODES:
                raise ConfigError([Problem(file, f"aliases expand to more than {MAX_NODES:,} values",
                                           line=1, allowed=f"at most {MAX_NODES:,} values in all")])
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # An unclosed bracket or quote is found at the end of the stream: point where it opened.
        if exc.context_mark is not None and (mark is None or mark.line >= len(text.splitlines())):
            mark = exc.context_mark
        line = mark.line + 1 if mark else None
        detail = exc.problem or str(exc)
        if isinstance(exc, _KeyProblem):
            key = ""
            if node is not None and line is not None:  # the key whose value it is, when one is on that line
                where: dict[KeyPath, int] = {}
                _lines(node, (), where, set())
                on_line = [k for k, n in where.items() if n == line]
                key = ".".join(max(on_line, key=len)) if on_line else ""
            message, _, allowed = detail.partition("; allowed: ")
            raise ConfigError([Problem(file, message, line=line, key=key, allowed=allowed)]) from None
        if exc.context:
            detail = f"{exc.context}, {detail}"
        raise ConfigError([Problem(file, f"YAML syntax error: {detail}", line=line)]) from None
    except yaml.YAMLError as exc:
        raise ConfigError.single(path, f"YAML syntax error: {exc}") from None
    except RecursionError:  # belt and braces: the depth limit above should prevent it
        raise ConfigError.single(path, "nested too deeply", allowed=f"at most {MAX_DEPTH} levels") from None
    if data is None:
        raise ConfigError.single(path, f"the {what} is empty", allowed="a YAML mapping of keys")
    if not isinstance(data, dict):
        raise ConfigError.single(
            path, f"the {what} must be a mapping of keys, not a {type(data).__name__}",
            line=1, allowed="key: value lines")
    lines: dict[KeyPath, int] = {}
    _lines(node, (), lines, set())
    return data, lines
