"""The service-catalog look-ups the engine needs, through :mod:`byoc_iam.servicecatalog` (imported lazily)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def is_wildcard_only(action: str) -> bool:
    """True when the catalog knows ``service:Action`` and it has no resource types (unknown: False)."""
    from byoc_iam.servicecatalog import get_catalog

    try:
        info = get_catalog().action(action)
    except Exception:  # a catalog problem must not break evaluation
        return False
    return info is not None and not info.resource_types


@lru_cache(maxsize=1)
def all_actions() -> tuple[str, ...]:
    """Every ``service:Action`` in the catalog."""
    from byoc_iam.servicecatalog import get_catalog

    catalog = get_catalog()
    return tuple(a.full_name for s in catalog.services() for a in catalog.actions_for(s))


@lru_cache(maxsize=1024)
def key_type(key: str) -> str | None:
    """The catalog's type of condition key ``key`` (``Date``, ``Numeric``, ``ArrayOfString``...), None when unknown."""
    from byoc_iam.servicecatalog import get_catalog

    found = get_catalog().condition_key(key)
    return None if found is None else found.type
