"""Small value classes written out by hand, as ``@dataclass`` would make them (issue 18, start-up).

Creating a class with ``@dataclass`` generates and compiles its methods (about 4M instructions a class, and the
``dataclasses`` module imports :mod:`inspect`): a single ``simulate`` or ``lint FILE`` spent more on that than on
its work. A class on those paths declares its fields, writes its ``__init__`` and takes equality and repr from one
of these bases:

- :class:`Record`: a plain ``@dataclass`` — equality over ``_COMPARE``, repr over ``_REPR``, unhashable
  (mutable); ``functools.cached_property`` works on it.
- :class:`FrozenRecord`: ``@dataclass(frozen=True)`` — equality and hash over ``_FIELDS``, repr over them,
  assigning or deleting an attribute raises ``AttributeError`` (``__init__`` sets fields with
  ``object.__setattr__``).
"""

from __future__ import annotations

from typing import Any, ClassVar


def _repr(obj: object, fields: tuple[str, ...]) -> str:
    return f"{type(obj).__qualname__}({', '.join(f'{f}={getattr(obj, f)!r}' for f in fields)})"


class Record:
    """Equality over ``_COMPARE`` and repr over ``_REPR``, as a mutable ``@dataclass`` has them."""

    __slots__ = ()
    _REPR: ClassVar[tuple[str, ...]] = ()
    _COMPARE: ClassVar[tuple[str, ...]] = ()
    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value, as @dataclass makes it

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self._COMPARE)

    def __repr__(self) -> str:
        return _repr(self, self._REPR)


class FrozenRecord:
    """Equality, hash, repr and immutability over ``_FIELDS``, as ``@dataclass(frozen=True)`` has them."""

    __slots__ = ()
    _FIELDS: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f) for f in self._FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, FrozenRecord)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return _repr(self, self._FIELDS)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")
