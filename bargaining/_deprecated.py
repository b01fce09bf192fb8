"""Old import paths kept for one release: each old module forwards to its new home with a warning.

``bargaining.threshold``, ``bargaining.sweep``, ``bargaining.history`` and ``bargaining.equilibria``
were modules and are now also the package's verbs; their old modules stay callable, so
``bargaining.threshold(...)`` works whether or not somebody imported the old module.
"""

from __future__ import annotations

import importlib
import sys
import types
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["forward"]


class _CallableModule(types.ModuleType):
    """An old module that also stands for the verb of the same name."""

    __verb__: Callable[..., Any]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.__verb__(*args, **kwargs)


def forward(name: str, target: str, verb: str | None = None) -> None:
    """Make the module ``name`` (the caller) forward every public name of ``target``, warning once."""
    warnings.warn(
        f"{name} is deprecated and will be removed in the next release; import from {target} "
        "(or use the verbs of the top-level package: bargaining.threshold, bargaining.sweep, ...)",
        DeprecationWarning,
        stacklevel=3,
    )
    module = sys.modules[name]
    real = importlib.import_module(target)
    public = getattr(real, "__all__", [k for k in vars(real) if not k.startswith("_")])
    for key in public:
        setattr(module, key, getattr(real, key))
    module.__all__ = list(public)  # type: ignore[attr-defined]
    if verb is not None:
        module.__class__ = _CallableModule
        module.__verb__ = getattr(real, verb)  # type: ignore[attr-defined]
