"""docs/indicators.md is the registry's: regenerate it with
``python manage.py indicators --docs > docs/indicators.md``."""

from pathlib import Path

from django.conf import settings

from clauses.observatory import registry
from clauses.observatory.documentation import markdown


def test_docs_indicators_md_is_generated_from_the_registry():
    path = Path(settings.BASE_DIR) / "docs" / "indicators.md"
    assert path.read_text(encoding="utf-8") == markdown()


def test_every_share_says_its_denominator():
    for indicator in registry.INDICATORS:
        assert bool(indicator.denominator) == indicator.is_share, indicator.code
    for breakdown in registry.BREAKDOWNS:
        assert breakdown.denominator_label, breakdown.code
