"""The optional parts of periodize and what each needs installed.

``pip install periodize`` gives the library and the command line; the HTTP service
(``periodize serve``, `periodize.client`) comes with ``periodize[service]`` and Dask
clusters (``periodize batch --scheduler`` or ``--local-cluster``) with
``periodize[cluster]``. Asking for a part that is not installed is one line naming the
command to run, never an ImportError traceback.
"""

from __future__ import annotations

from importlib.util import find_spec

from periodize.errors import InputError

EXTRAS: dict[str, tuple[str, ...]] = {
    "service": ("fastapi", "uvicorn", "fastapi_offline"),
    "cluster": ("distributed",),
}
"""The modules each extra's commands import (pyproject.toml lists the packages;
`periodize.client` needs only ``httpx`` and checks it itself)."""


class MissingExtra(InputError):
    """A feature was asked for whose optional dependencies are not installed."""


def missing_modules(extra: str) -> list[str]:
    """The modules of ``extra`` that cannot be imported here."""
    return [module for module in EXTRAS[extra] if find_spec(module) is None]


def missing_extra_message(extra: str, feature: str, missing: list[str]) -> str:
    """The one line that says what to install for ``feature``."""
    return (
        f"{feature} needs the optional {extra} dependencies ({', '.join(missing)} not "
        f"installed): pip install 'periodize[{extra}]'"
    )


def require_extra(extra: str, feature: str) -> None:
    """Raise `MissingExtra` naming ``pip install 'periodize[EXTRA]'`` when a module of
    ``extra`` is not installed; ``feature`` says what needed it."""
    missing = missing_modules(extra)
    if missing:
        raise MissingExtra(missing_extra_message(extra, feature, missing))
