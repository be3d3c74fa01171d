"""The blocks of a journey's text, read from its braces and indentation alone.

When a '}' is missing, the parser only finds out later, where something cannot stand
inside the block left open (or at the end of the file). The indentation nearly always
shows which block that is: its body is indented under its header, and the first line
back at the header's indentation (or further out) is where its '}' was forgotten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAMED = re.compile(r"(persona|stage|touchpoint|scenario)\s+([A-Za-z_]\w*)")
_TITLED = re.compile(r'journey\s+("(?:\\["\\]|[^"\\])*")')


def code(line: str) -> str:
    """The line without its comment (a '#' outside a string)."""
    in_string = escaped = False
    for i, c in enumerate(line):
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == "#":
            return line[:i]
    return line


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def opens(statement: str) -> bool:
    """Whether a line's code opens a block that later lines fill (`stage s {`, not `{ }`)."""
    return statement.endswith("{") and not statement.endswith("{ }")


@dataclass(frozen=True, slots=True)
class Block:
    """A block as written: its header's line (from 0), indentation and code."""

    index: int
    indent: int
    header: str

    @property
    def name(self) -> str:
        """How messages name it: `stage 'arrive'`, `journey "Coffee"`, `the flow block`."""
        if named := _NAMED.match(self.header):
            return f"{named.group(1)} '{named.group(2)}'"
        if titled := _TITLED.match(self.header):
            return f"journey {titled.group(1)}"
        word = self.header.split()[0] if self.header.split() else ""
        return f"the {word} block" if word in ("flow", "loyalty") else "a block"


@dataclass(frozen=True, slots=True)
class Unclosed:
    """A block whose '}' is missing, and the line (from 0) its '}' belongs before."""

    block: Block
    before: int


def unclosed(lines: list[str], upto: int, *, indentation: bool = True) -> Unclosed | None:
    """The innermost block left open before line `upto` (from 0), by its indentation;
    at the end of the file (`upto` past the last line), the innermost block still open.

    A block whose body is not indented under its header tells nothing, so a file written
    without indentation never gets a guess here.
    """
    stack: list[tuple[Block, int | None]] = []  # each open block and its body's indentation
    for j, line in enumerate(lines[: upto + 1]):
        statement = code(line).strip()
        if not statement:
            continue
        at = indent(line)
        if stack and stack[-1][1] is None and not statement.startswith("}"):
            stack[-1] = (stack[-1][0], at)
        if stack:
            block, body = stack[-1]
            closing = statement.startswith("}")
            indented = body is not None and body > block.indent
            if (
                indentation
                and indented
                and (at < block.indent or (at == block.indent and not closing))
            ):
                return Unclosed(block, j)
        if statement.startswith("}"):
            if stack:
                stack.pop()
        elif opens(statement):
            stack.append((Block(j, at, statement), None))
    if upto >= len(lines) and stack:
        return Unclosed(stack[-1][0], len(lines))
    return None


# The first word of a block's header.
HEADER = re.compile(r"(?:journey|persona|stage|touchpoint|flow|scenario|loyalty)\b(?!\s*(?:->|\.))")


def unbraced_body_end(lines: list[str], index: int) -> int:
    """The last line of a block whose header lacks its '{': the body indented under the
    header, and the '}' at the header's indentation; the header alone when none is."""
    own = indent(lines[index])
    for j in range(index + 1, len(lines)):
        statement = code(lines[j]).strip()
        if not statement:
            continue
        if indent(lines[j]) > own:
            continue
        return j if statement == "}" and indent(lines[j]) == own else index
    return index
