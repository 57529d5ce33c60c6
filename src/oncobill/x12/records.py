"""Record classes for the typed X12 documents: dataclass behaviour without importing dataclasses.

Why: a process that only reads a remittance spent about a fifth of its start-up importing
``dataclasses`` (it pulls in ``inspect``, ``ast``, ``dis``, ``enum``, ``re``) and generating the
classes. A record lists its fields once, in ``__slots__`` (in field order), and writes its own
``__init__``; equality, ``repr``, ``__match_args__`` and, for frozen records, hashing follow the
dataclass rules (fields with ``compare=False`` left out), and ``dataclasses.fields``, ``asdict``,
``replace`` and ``is_dataclass`` work through ``__dataclass_fields__``, built on first use.
"""

from __future__ import annotations

from operator import attrgetter

# Default of a list field in a record's __init__: a fresh list per record, as a dataclass
# ``field(default_factory=list)`` gives (None stays None if passed explicitly).
EMPTY = type("EmptyList", (), {"__repr__": lambda self: "<factory>", "__slots__": ()})()


class _Fields:
    """``__dataclass_fields__`` of a record class, built (with real dataclass Fields) on first access."""

    def __get__(self, obj, owner):
        import dataclasses

        spec = []
        for name in owner.__slots__:
            if name in owner._factories:
                f = dataclasses.field(default_factory=owner._factories[name])
            elif name in owner._defaults:
                f = dataclasses.field(default=owner._defaults[name], compare=name not in owner._no_compare)
            else:
                f = dataclasses.field(compare=name not in owner._no_compare)
            spec.append((name, owner.__annotations__.get(name, "object"), f))
        shadow = dataclasses.make_dataclass(owner.__name__, spec, frozen=owner._frozen)
        fields = shadow.__dataclass_fields__
        type.__setattr__(owner, "__dataclass_fields__", fields)
        return fields


class Record:
    """Base of the typed records; subclasses set ``__slots__`` (the fields, in order) and ``__init__``.

    Class options: ``_defaults`` (field -> default value), ``_factories`` (field -> factory,
    e.g. ``list``), ``_no_compare`` (fields left out of equality), ``_frozen``.
    """

    __slots__ = ()
    _defaults: dict = {}
    _factories: dict = {}
    _no_compare: frozenset = frozenset()
    _frozen = False
    __dataclass_fields__ = _Fields()

    def __init_subclass__(cls, **kw) -> None:
        super().__init_subclass__(**kw)
        names = cls.__slots__
        cls.__match_args__ = tuple(names)
        cls._all = attrgetter(*names)
        key = attrgetter(*[n for n in names if n not in cls._no_compare])
        cls._key = key
        if cls._frozen:
            cls.__hash__ = lambda self: hash(key(self))
            cls.__setattr__ = _frozen_setattr
            cls.__delattr__ = _frozen_delattr
        else:
            cls.__hash__ = None  # mutable and compared by value, as a dataclass with eq=True

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key(self) == other._key(other)
        return NotImplemented

    def __repr__(self) -> str:
        values = self._all(self)
        return f"{type(self).__qualname__}({', '.join(f'{n}={v!r}' for n, v in zip(self.__slots__, values))})"

    def __reduce__(self):
        # Pickle/copy by constructor arguments (a frozen record refuses attribute assignment).
        return (type(self), self._all(self))


def _frozen_setattr(self, name: str, value) -> None:
    import dataclasses

    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self, name: str) -> None:
    import dataclasses

    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def lazy_lists(*names: str):
    """``__getattr__`` that makes an empty list for a list field a reader left unset.

    Readers of large documents leave the usually empty lists (remarks, other segments,
    claim-level adjustments) unset instead of building tens of thousands of empty lists:
    every list kept alive is walked by the garbage collector, at the latest when the
    interpreter exits. The first access makes the list and stores it, so the field behaves
    as an ordinary one.
    """
    lazy = frozenset(names)

    def __getattr__(self, name: str):
        if name in lazy:
            value: list = []
            setattr(self, name, value)
            return value
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    return __getattr__
