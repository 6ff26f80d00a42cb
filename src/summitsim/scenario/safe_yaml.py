"""Reading scenario files safely: nothing in a file ever executes or grows without bound.

1. Only a regular file of at most :data:`MAX_FILE_BYTES` is read (a FIFO or a device is
   refused before a byte is read).
2. The YAML text is *composed* into a node tree with the safe loader (the C one when
   available); every tag must be a plain YAML tag, and the tree may hold at most
   :data:`MAX_NODES` nodes, also with every alias expanded (a "billion laughs" file is
   refused, not expanded).
3. The tree is *constructed* into plain Python data, and a :class:`LineMap` from field
   paths to line numbers is kept for the messages.

Validation is the part of :mod:`.schema`, :mod:`.checks` and :mod:`.loading`.
"""

import os
import stat
from typing import Any

import yaml

from summitsim.scenario.messages import Loc, ScenarioError

#: The largest scenario, in YAML nodes with every alias expanded, that is read at all.
MAX_NODES = 100_000
#: The largest scenario file read at all: about what MAX_NODES nodes take as text.
MAX_FILE_BYTES = 4 * 1024 * 1024
DATE_WORDS = "a date like 2025-10-16"

# The C loader is a drop-in replacement for the pure-Python one, only faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The tags the safe constructor turns into plain data; merge ("<<") and value ("=") keys
# are handled by the constructor without a registered function.
_PLAIN_TAGS = frozenset(tag for tag in yaml.SafeLoader.yaml_constructors if tag) | {
    "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:value",
}
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_STR_TAG = "tag:yaml.org,2002:str"


class LineMap:
    """Line numbers (1-based) of the fields of a composed YAML document, by data position.

    Built from the node tree, so it also refuses duplicate keys (which YAML loaders
    silently resolve to the last one)."""

    #: Positions deeper than any field of the schema are not mapped.
    DEPTH = 6

    def __init__(self, root: yaml.Node) -> None:
        self._lines: dict[Loc, int] = {}
        #: The node at each mapped position.
        self.nodes: dict[Loc, yaml.Node] = {}
        self._visit(root, (), root.start_mark.line + 1)

    def _visit(self, node: yaml.Node, loc: Loc, line: int) -> None:
        self._lines.setdefault(loc, line)
        self.nodes.setdefault(loc, node)
        if len(loc) >= self.DEPTH:
            return
        if isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._visit(item, (*loc, index), item.start_mark.line + 1)
        elif isinstance(node, yaml.MappingNode):
            self._visit_mapping(node, loc, line)

    def _visit_mapping(self, node: yaml.MappingNode, loc: Loc, line: int) -> None:
        seen: set[str] = set()
        for key, value in node.value:
            if key.tag == "tag:yaml.org,2002:merge":
                merged = value.value if isinstance(value, yaml.SequenceNode) else [value]
                for source in merged:
                    self._visit(source, loc, line)
            elif isinstance(key, yaml.ScalarNode):
                key_line = key.start_mark.line + 1
                if key.value in seen:
                    raise ScenarioError(
                        f"duplicate key {key.value!r}; allowed: each key once per mapping",
                        loc=(*loc, key.value),
                        line=key_line,
                    )
                seen.add(key.value)
                self._visit(value, (*loc, key.value), key_line)

    def line(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of its nearest enclosing position that the file gives."""
        for length in range(len(loc), -1, -1):
            if loc[:length] in self._lines:
                return self._lines[loc[:length]]
        return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _tag_text(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _check_node(node: yaml.Node) -> None:
    """A plain YAML tag (and mapping keys read as strings)."""
    if node.tag not in _PLAIN_TAGS:
        raise ScenarioError(
            f"YAML tag {_tag_text(node.tag)} is not allowed; allowed: plain "
            "YAML (mappings, lists, strings, numbers, dates)",
            line=node.start_mark.line + 1,
        )
    if isinstance(node, yaml.MappingNode):
        # YAML 1.1 reads a plain `on:` (and yes/no/off) as a boolean; as a key it is a
        # field name (a consequence's `on`).
        for key, _ in node.value:
            if key.tag == _BOOL_TAG:
                key.tag = _STR_TAG


def _check_nodes(root: yaml.Node) -> None:
    """Check every node's tag, and refuse a tree that aliases expand past :data:`MAX_NODES`
    or that contains itself. Each distinct node is visited once (sizes are memoised), so
    a "billion laughs" file costs only as much as its text."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    distinct = 0
    while stack:
        node, closing = stack.pop()
        key = id(node)
        if closing:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_NODES:
                raise ScenarioError(
                    f"the aliases here expand to more than {MAX_NODES:,} YAML nodes; allowed: "
                    "a scenario of ordinary size",
                    line=node.start_mark.line + 1,
                )
        elif key not in sizes:
            if key in open_nodes:
                raise ScenarioError(
                    "an alias refers to a node that contains it; allowed: "
                    "aliases of complete values",
                    line=node.start_mark.line + 1,
                )
            distinct += 1
            if distinct > MAX_NODES:  # too large as written, aliases or not
                raise ScenarioError(
                    f"the file has more than {MAX_NODES:,} YAML nodes; allowed: a scenario "
                    f"of at most {MAX_NODES:,} nodes (each key, value, list and mapping is one)"
                )
            _check_node(node)
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))


def _check_dates_readable(lines: "LineMap", loader: yaml.SafeLoader) -> None:
    """Every date the schema can hold is a real date (YAML reads 2025-02-30 as one)."""
    for loc, node in lines.nodes.items():
        if node.tag == _TIMESTAMP_TAG:
            try:
                loader.construct_object(node)
            except ValueError as error:
                raise ScenarioError(
                    f"{node.value} is not a valid date ({error}); allowed: {DATE_WORDS}",
                    loc=loc,
                    line=lines.line(loc),
                ) from None


def _syntax_error(error: yaml.YAMLError) -> ScenarioError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    where = f" at column {mark.column + 1}" if mark else ""
    message = f"YAML syntax error{where}: {problem}" + (f" ({context})" if context else "")
    return ScenarioError(message + "; allowed: valid YAML", line=mark.line + 1 if mark else None)


def read_yaml(text: str) -> tuple[Any, LineMap | None]:
    """The document's data and its line map (None for an empty file); compose, check,
    then construct."""
    loader = _SafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as error:
            raise _syntax_error(error) from None
        except RecursionError:
            raise ScenarioError("nested too deeply; allowed: ordinary YAML nesting") from None
        if root is None:
            return None, None
        _check_nodes(root)
        lines = LineMap(root)
        _check_dates_readable(lines, loader)
        try:
            return loader.construct_document(root), lines
        except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as error:
            if isinstance(error, yaml.YAMLError):
                raise _syntax_error(error) from None
            raise ScenarioError(f"unreadable value ({error}); allowed: plain YAML") from None
    finally:
        loader.dispose()


def _file_kind(mode: int) -> str:
    """What a file that is not a regular file is, for messages."""
    kinds = (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((words for test, words in kinds if test(mode)), "not a plain file")


def _unreadable(error: OSError, name: str) -> ScenarioError:
    """The message for a file that cannot be opened or read."""
    if isinstance(error, FileNotFoundError):
        return ScenarioError("no such file; allowed: the path of a YAML scenario file", file=name)
    if isinstance(error, IsADirectoryError):
        return ScenarioError("is a directory; allowed: a YAML scenario file", file=name)
    return ScenarioError(
        f"cannot be read ({error.strerror or error}); allowed: a readable YAML scenario file",
        file=name,
    )


def _check_regular(info: os.stat_result, name: str) -> None:
    """Refuse anything but a regular file of at most MAX_FILE_BYTES."""
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError("is a directory; allowed: a YAML scenario file", file=name)
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(
            f"is {_file_kind(info.st_mode)}, not a regular file; allowed: a YAML scenario file",
            file=name,
        )
    if info.st_size > MAX_FILE_BYTES:
        raise ScenarioError(
            f"is {info.st_size} bytes; allowed: a scenario file of at most "
            f"{MAX_FILE_BYTES:,} bytes",
            file=name,
        )


def read_scenario_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a scenario file. Only a regular file of at most MAX_FILE_BYTES is
    read: a FIFO or a device (``/dev/zero``) is refused before it is opened, and, should
    one take the file's place meanwhile, before a byte is read (it is opened without
    waiting for a writer). Raises ScenarioError naming the file."""
    name = os.fspath(path)
    try:
        _check_regular(os.stat(name), name)
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        handle = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            _check_regular(os.fstat(handle), name)
        except ScenarioError:
            os.close(handle)
            raise
        with os.fdopen(handle, "rb") as file:
            content = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _unreadable(error, name) from None
    if len(content) > MAX_FILE_BYTES:  # it grew while being read
        raise ScenarioError(
            f"is over {MAX_FILE_BYTES:,} bytes; allowed: a scenario file of at most "
            f"{MAX_FILE_BYTES:,} bytes",
            file=name,
        )
    return content


def read_text(name: str) -> tuple[bytes, str]:
    """The bytes of a scenario file and their text (UTF-8). Raises ScenarioError."""
    content = read_scenario_bytes(name)
    try:
        return content, content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(
            f"byte {error.start} is not UTF-8 text; allowed: a UTF-8 YAML file", file=name
        ) from None


def read_document(path: str | os.PathLike[str]) -> Any:
    """The plain data of a YAML file, read as safely as a scenario (size guard, safe
    loader, plain tags, bounded aliases) but not validated. Raises ScenarioError."""
    name = os.fspath(path)
    _, text = read_text(name)
    try:
        return read_yaml(text)[0]
    except ScenarioError as error:
        error.file = error.file or name
        raise
