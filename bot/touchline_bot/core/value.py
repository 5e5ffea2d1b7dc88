"""The base of the hot path's immutable values (the bot state, views, quotes, per-evaluation
results).

Frozen dataclasses and named tuples are as immutable, but the core builds several of these per
market-data message, and both are built through interpreted code even when the core is compiled
(a frozen dataclass assigns through ``object.__setattr__``; a named tuple's ``__new__`` and
``_replace`` are Python functions, and its fields are descriptors looked up by name). A plain
class whose attributes are ``Final`` and set once in ``__init__`` is a native class under mypyc:
built about eight times faster than a named tuple, its fields read as struct members, and
writing one raises. In the source (tests, development) it costs what a named tuple does, and
mypy refuses any assignment to a ``Final`` attribute.

A subclass names its fields once, in ``_fields`` (in the order of its ``__init__``
parameters), sets ``__slots__ = _fields`` (no instance dictionary), and gets equality, hashing,
a dataclass-like ``repr`` and ``_replace`` (for tests and cold paths; the hot path calls the
constructor).

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self


class Value:
    """An immutable record compared by its fields (see the module docstring)."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def _key(self) -> tuple[object, ...]:
        return tuple([getattr(self, name) for name in self._fields])

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if type(other) is not type(self) or not isinstance(other, Value):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({inner})"

    def _replace(self, **changes: Any) -> Self:
        """A copy with some fields changed (an unknown name raises ``TypeError``)."""
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return type(self)(**values)
