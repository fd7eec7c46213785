"""``@record`` (byoc_iam.model.record) behaves as the ``@dataclass`` it replaces on verify's start-up path
(issue 18): the same class declared both ways is held equal in construction (keywords, positions, defaults,
factories), refusals (``TypeError`` for a missing, unknown, repeated or keyword-only positional argument),
equality, hash, repr, immutability, ``replace``, ``fields``, ``asdict`` and ``__post_init__``."""

from __future__ import annotations

import dataclasses
from functools import cached_property
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from byoc_iam.model import record as rec


@rec.record(frozen=True)
class FrozenR:
    name: str
    tags: dict[str, str] = rec.field(default_factory=dict)
    count: int = 0
    note: str | None = None
    KIND: ClassVar[str] = "frozen"

    @cached_property
    def upper(self) -> str:
        return self.name.upper()


@dataclasses.dataclass(frozen=True, kw_only=True)
class FrozenD:
    name: str
    tags: dict[str, str] = dataclasses.field(default_factory=dict)
    count: int = 0
    note: str | None = None
    KIND: ClassVar[str] = "frozen"


@rec.record(frozen=True)
class Pair:
    name: str
    count: int = 0
    note: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PairD:
    name: str
    count: int = 0
    note: str | None = None


@rec.record(kw_only=False)
class PosR:
    label: str
    count: int
    items: list[str] = rec.field(default_factory=list)


@dataclasses.dataclass
class PosD:
    label: str
    count: int
    items: list[str] = dataclasses.field(default_factory=list)


@rec.record
class Inner:
    a: int
    b: tuple[str, ...] = ()


@rec.record
class Outer:
    inner: Inner
    many: list[Inner]
    by: dict[str, Inner]


@dataclasses.dataclass(kw_only=True)
class InnerD:
    a: int
    b: tuple[str, ...] = ()


@dataclasses.dataclass(kw_only=True)
class OuterD:
    inner: InnerD
    many: list[InnerD]
    by: dict[str, InnerD]


class Base:
    def describe(self) -> str:
        return "base"


@rec.record
class Parent(Base):
    x: int


@rec.record
class Child(Parent):
    y: int = 2
    seen: list[str] = rec.field(default_factory=list)

    def __post_init__(self) -> None:
        self.seen.append("post")


texts = st.text(max_size=8)
frozen_kwargs = st.fixed_dictionaries(
    {"name": texts},
    optional={"tags": st.dictionaries(texts, texts, max_size=2), "count": st.integers(), "note": st.none() | texts},
)


@given(frozen_kwargs, frozen_kwargs)
def test_a_frozen_record_is_the_frozen_dataclass(one: dict[str, Any], other: dict[str, Any]) -> None:
    r1, r2, d1, d2 = FrozenR(**one), FrozenR(**other), FrozenD(**one), FrozenD(**other)
    assert rec.fields(r1) == tuple(f.name for f in dataclasses.fields(d1))
    assert repr(r1).split("(", 1)[1] == repr(d1).split("(", 1)[1]
    assert (r1 == r2) == (d1 == d2)
    assert r1 != d1 and r1 == FrozenR(**one)
    with pytest.raises(TypeError):  # a dict field: unhashable, as the dataclass
        hash(r1)
    with pytest.raises(TypeError):
        hash(d1)
    key = {"name": one["name"], "count": one.get("count", 0), "note": one.get("note")}
    assert hash(Pair(**key)) == hash(Pair(**key)) == hash(PairD(**key)) and Pair(**key) in {Pair(**key)}
    assert rec.asdict(r1) == dataclasses.asdict(d1)
    changed = rec.replace(r1, count=7)
    assert changed.count == 7 and changed.name == r1.name and r1.count == one.get("count", 0)


def test_factories_make_a_new_value_per_instance() -> None:
    a, b = FrozenR(name="a"), FrozenR(name="b")
    assert a.tags == {} and a.tags is not b.tags
    p, q = PosR("x", 1), PosR("y", 2)
    p.items.append("i")
    assert q.items == [] and PosD("x", 1).items is not PosD("x", 1).items


def test_frozen_refuses_assignment_and_deletion_but_caches_properties() -> None:
    r = FrozenR(name="n")
    with pytest.raises(AttributeError):
        r.name = "m"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del r.name  # type: ignore[misc]
    assert r.upper == "N" and r.upper is r.upper
    assert FrozenR.KIND == "frozen" and "KIND" not in rec.fields(FrozenR)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda cls: cls(), "missing 1 required argument: 'name'"),
        (lambda cls: cls(name="a", colour="red"), "unexpected keyword argument 'colour'"),
        (lambda cls: cls("a"), "takes 1 positional argument but 2 were given"),
    ],
)
def test_kw_only_refusals_are_type_errors_as_the_dataclass_gives(make: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        make(FrozenR)
    with pytest.raises(TypeError):
        make(FrozenD)


def test_positional_records_take_positions_as_the_dataclass() -> None:
    assert rec.asdict(PosR("x", 3, ["a"])) == dataclasses.asdict(PosD("x", 3, ["a"]))
    assert PosR("x", count=3) == PosR(label="x", count=3)
    with pytest.raises(TypeError, match="multiple values for argument 'label'"):
        PosR("x", 3, label="y")  # type: ignore[misc]
    with pytest.raises(TypeError):
        PosR("x", 3, [], "extra")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        PosD("x", 3, [], "extra")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        hash(PosR("x", 1))  # mutable and compared by value: unhashable, as @dataclass makes it


def test_asdict_converts_nested_records_as_dataclasses_asdict() -> None:
    r = Outer(inner=Inner(a=1, b=("x",)), many=[Inner(a=2)], by={"k": Inner(a=3)})
    d = OuterD(inner=InnerD(a=1, b=("x",)), many=[InnerD(a=2)], by={"k": InnerD(a=3)})
    assert rec.asdict(r) == dataclasses.asdict(d)


def test_inheritance_and_post_init() -> None:
    c = Child(x=1)
    assert rec.fields(Child) == ("x", "y", "seen") and rec.fields(Parent) == ("x",)
    assert (c.x, c.y, c.seen, c.describe()) == (1, 2, ["post"], "base")
    assert rec.replace(c, y=5).y == 5
    assert rec.is_record(c) and rec.is_record(Child) and not rec.is_record(Base())
    with pytest.raises(AttributeError):
        rec.fields(Base())
