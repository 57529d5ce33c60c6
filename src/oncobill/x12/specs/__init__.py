"""Registry of implementation-guide specs, keyed by transaction set and version."""

from __future__ import annotations

from oncobill.x12.spec import TransactionSpec

# Spec modules by transaction set code, loaded on first use (parsing a spec costs a little).
_MODULES = {
    "835": ("x835",),
    "837": ("x837p", "x837i"),
    "999": ("x999",),
    "277": ("x277ca", "x276"),
    "270": ("x270",),
    "271": ("x270",),
    "276": ("x276",),
    "278": ("x278",),
}
_REGISTRY: dict[tuple[str, str], TransactionSpec] = {}
_LOADED: set[str] = set()


def _load(codes=None) -> None:
    import importlib

    names = {n for c, mods in _MODULES.items() if codes is None or c in codes for n in mods}
    for name in sorted(names - _LOADED):
        _LOADED.add(name)
        try:
            mod = importlib.import_module(f"oncobill.x12.specs.{name}")
        except ModuleNotFoundError:  # pragma: no cover - a spec still being written
            continue
        for spec in getattr(mod, "SPECS", None) or (mod.SPEC,):
            _REGISTRY[(spec.code, spec.version)] = spec


def all_specs() -> list[TransactionSpec]:
    _load()
    return list(_REGISTRY.values())


def spec_for(code: str, version: str, gs08: str = "") -> TransactionSpec | None:
    """The spec for ST01 *code* and version *version* (ST03, else GS08).

    Errata versions (``005010X222A2`` for ``005010X222A1``) fall back to the mandated
    guide of the same family, so real files still read; the validator names the deviation.
    """
    _load((code,))
    for v in (version, gs08):
        spec = _REGISTRY.get((code, v))
        if spec is not None:
            return spec
    for v in (version, gs08):
        family = v[:10]
        for (c, known), spec in _REGISTRY.items():
            if c == code and known[:10] == family and family:
                return spec
    return None
