"""The tracking URLs' expectations, merged into tests/test_url_roles.py.

Each area keeps its own module (url_roles_*.py) defining EXPECTATIONS and
CROSS_ORGANISATION dicts; this module gathers every such module it finds.
"""

import importlib
import pkgutil

import tests.tracking

EXPECTATIONS = {}
CROSS_ORGANISATION = {}

for module_info in pkgutil.iter_modules(tests.tracking.__path__):
    if module_info.name.startswith("url_roles_"):
        module = importlib.import_module(f"tests.tracking.{module_info.name}")
        EXPECTATIONS.update(getattr(module, "EXPECTATIONS", {}))
        CROSS_ORGANISATION.update(getattr(module, "CROSS_ORGANISATION", {}))
