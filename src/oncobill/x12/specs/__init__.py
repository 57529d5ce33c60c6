"""Registry of implementation-guide specs, keyed by transaction set and version."""

from __future__ import annotations

from oncobill.x12.spec import TransactionSpec

_MODULES = ("x835", "x837p", "x837i", "x999", "x277ca", "x270", "x276", "x278")
_REGISTRY: dict[tuple[str, str], TransactionSpec] = {}


def _load() -> None:
    import importlib

    for name in _MODULES:
        try:
            mod = importlib.import_module(f"oncobill.x12.specs.{name}")
        except ModuleNotFoundError:  # pragma: no cover - a spec still being written
            continue
        for spec in getattr(mod, "SPECS", None) or (mod.SPEC,):
            _REGISTRY[(spec.code, spec.version)] = spec


def all_specs() -> list[TransactionSpec]:
    if not _REGISTRY:
        _load()
    return list(_REGISTRY.values())


def spec_for(code: str, version: str, gs08: str = "") -> TransactionSpec | None:
    """The spec for ST01 *code* and version *version* (ST03, else GS08).

    Errata versions (``005010X222A2`` for ``005010X222A1``) fall back to the mandated
    guide of the same family, so real files still read; the validator names the deviation.
    """
    if not _REGISTRY:
        _load()
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
