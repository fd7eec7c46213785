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

A class that need not be fast to build by the thousand takes :func:`record` instead: the dataclass declaration
(fields as annotations, :func:`field` defaults, mypy reads it as a dataclass) with one shared ``__init__``.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any, ClassVar, TypeVar, dataclass_transform, overload


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


# -- @record: a dataclass without generated code ----------------------------------------------------------------
_MISSING: Any = object()
_T = TypeVar("_T")


class _Field:
    """A field's default, as :func:`field` declares it."""

    __slots__ = ("default", "default_factory")

    def __init__(self, default: Any, default_factory: Any) -> None:
        self.default, self.default_factory = default, default_factory


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] = _MISSING) -> Any:
    """A field's default (``default``) or the function that makes one per instance (``default_factory``), as
    :func:`dataclasses.field` takes them."""
    return _Field(default, default_factory)


class _Spec:
    """A record class's field table (a plain class: a NamedTuple costs more to define than every record here)."""

    __slots__ = ("defaults", "factories", "kw_only", "name_set", "names", "post_init", "values")

    def __init__(
        self,
        names: tuple[str, ...],  # in declaration order
        defaults: dict[str, Any],  # name -> default
        factories: tuple[tuple[str, Callable[[], Any]], ...],  # (name, default_factory)
        kw_only: bool,
        post_init: Callable[[Any], None] | None,
    ) -> None:
        self.names, self.name_set = names, frozenset(names)
        self.defaults, self.factories, self.kw_only, self.post_init = defaults, factories, kw_only, post_init
        self.values = _getter(names)  # an instance's __dict__ -> its field values


@overload
def record(cls: type[_T], /) -> type[_T]: ...


@overload
def record(*, frozen: bool = False, kw_only: bool = True) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(kw_only_default=True, field_specifiers=(field,))
def record(
    cls: type[_T] | None = None, /, *, frozen: bool = False, kw_only: bool = True
) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """``@dataclass(kw_only=True)`` (``frozen``, ``kw_only`` as it takes them) without generating code: the class
    gets one shared ``__init__`` that reads its fields from a table, and ``__eq__``, ``__hash__`` (frozen only),
    ``__repr__`` over its fields; :func:`replace`, :func:`fields` and :func:`asdict` work on it as their
    ``dataclasses`` namesakes. Defining one costs about 0.1M instructions, against 1.4-4M for ``@dataclass``
    (issue 18, verify's start-up). Fields are the class's annotations (``ClassVar`` excluded) after its record
    bases'; a ``__post_init__`` is called. ``__init__`` raises ``TypeError`` for a missing, unknown, repeated or
    (``kw_only``) positional argument, as the generated one does; a frozen record's assignment or deletion raises
    ``AttributeError``."""

    def wrap(c: type[_T]) -> type[_T]:
        return _make(c, frozen, kw_only)

    return wrap if cls is None else wrap(cls)


def _make(cls: type[_T], frozen: bool, kw_only: bool) -> type[_T]:
    inherited = [d for base in reversed(cls.__mro__[1:]) for d in getattr(base, "__record_fields__", ())]
    own = [
        (name, *_default(cls, name))
        for name, note in vars(cls).get("__annotations__", {}).items()  # not inspect: it costs 25M to import
        if not str(note).startswith(("ClassVar", "typing.ClassVar"))
    ]
    table = {d[0]: d for d in inherited} | {d[0]: d for d in own}
    cls.__record__ = _Spec(  # type: ignore[attr-defined]
        names=tuple(table),
        defaults={n: d for n, d, _ in table.values() if d is not _MISSING},
        factories=tuple((n, f) for n, d, f in table.values() if f is not _MISSING),
        kw_only=kw_only,
        post_init=getattr(cls, "__post_init__", None),
    )
    cls.__record_fields__ = tuple(table.values())  # type: ignore[attr-defined]
    for name, method in _methods(frozen).items():
        if name not in cls.__dict__:
            setattr(cls, name, method)
    return cls


def _getter(names: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    if len(names) == 1:
        name = names[0]
        return lambda d: (d[name],)
    get: Callable[[dict[str, Any]], tuple[Any, ...]] = itemgetter(*names) if names else lambda d: ()
    return get


def _default(cls: type, name: str) -> tuple[Any, Any]:
    value = cls.__dict__.get(name, _MISSING)
    if isinstance(value, _Field):
        if value.default is _MISSING:
            delattr(cls, name)
        else:
            setattr(cls, name, value.default)
        return value.default, value.default_factory
    return value, _MISSING


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    """Every record's ``__init__``: the fields go straight into the instance's ``__dict__`` (a frozen record's
    ``__setattr__`` is not called, as ``dataclass`` calls ``object.__setattr__``)."""
    spec: _Spec = type(self).__record__
    if args:
        kwargs = _positional(type(self).__qualname__, spec, args, kwargs)
    if not spec.name_set.issuperset(kwargs):
        unknown = next(k for k in kwargs if k not in spec.name_set)
        raise TypeError(f"{type(self).__qualname__}.__init__() got an unexpected keyword argument '{unknown}'")
    values = spec.defaults | kwargs
    for name, factory in spec.factories:
        if name not in values:
            values[name] = factory()
    if len(values) != len(spec.names):
        missing = next(n for n in spec.names if n not in values)
        raise TypeError(f"{type(self).__qualname__}.__init__() missing 1 required argument: '{missing}'")
    self.__dict__.update(values)
    if spec.post_init is not None:
        spec.post_init(self)


def _positional(name: str, spec: _Spec, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    if spec.kw_only or len(args) > len(spec.names):
        raise TypeError(f"{name}.__init__() takes 1 positional argument but {len(args) + 1} were given")
    given = dict(zip(spec.names, args, strict=False))
    twice = given.keys() & kwargs.keys()
    if twice:
        raise TypeError(f"{name}.__init__() got multiple values for argument '{min(twice)}'")
    return given | kwargs


def _values(self: Any) -> tuple[Any, ...]:
    values: tuple[Any, ...] = type(self).__record__.values(self.__dict__)
    return values


def _eq(self: Any, other: object) -> object:  # bool, or NotImplemented
    if other.__class__ is not self.__class__:
        return NotImplemented
    return bool(_values(self) == _values(other))


def _hash(self: Any) -> int:
    return hash(_values(self))


def _record_repr(self: Any) -> str:
    return _repr(self, type(self).__record__.names)


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise AttributeError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise AttributeError(f"cannot delete field {name!r}")


def _methods(frozen: bool) -> dict[str, Any]:
    base: dict[str, Any] = {"__init__": _init, "__eq__": _eq, "__repr__": _record_repr}
    if frozen:
        return base | {"__hash__": _hash, "__setattr__": _frozen_setattr, "__delattr__": _frozen_delattr}
    return base | {"__hash__": None}


def is_record(obj: object) -> bool:
    """Whether ``obj`` is a :func:`record` class or an instance of one."""
    return hasattr(obj if isinstance(obj, type) else type(obj), "__record__")


def fields(obj: object) -> tuple[str, ...]:
    """The field names of a :func:`record` (class or instance), in declaration order; AttributeError otherwise."""
    cls = obj if isinstance(obj, type) else type(obj)
    spec: _Spec = getattr(cls, "__record__")  # noqa: B009  (set by record(); not a declared attribute)
    return spec.names


def replace(obj: _T, /, **changes: Any) -> _T:
    """A new record with ``changes`` applied to ``obj``'s fields (as :func:`dataclasses.replace`)."""
    values = {f: getattr(obj, f) for f in fields(obj)}
    return type(obj)(**(values | changes))


def asdict(obj: object) -> dict[str, Any]:
    """``obj``'s fields as a dict, records, NamedTuples, lists, tuples and dicts in it converted likewise (as
    :func:`dataclasses.asdict`, which also deep-copies other values: these are not copied)."""
    return {f: _plain(getattr(obj, f)) for f in fields(obj)}


def _plain(value: Any) -> Any:
    if is_record(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a NamedTuple
        return type(value)(*(_plain(v) for v in value))
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
