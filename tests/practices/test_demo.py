import io

from django.core.management import call_command

from clauses.practices.models import Practice
from tests.demo.test_seed_demo import territories  # noqa: F401 (fixture)


def test_seed_demo_publishes_about_sixty_linked_sheets_idempotently(territories):  # noqa: F811
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    published = Practice.objects.published()
    assert published.count() == 60
    assert "Bonnes pratiques : 60 fiches publiées (60 créées)." in out.getvalue()
    assert published.filter(meetings__isnull=False).distinct().count() >= 20
    assert published.filter(lead_structure__isnull=False).count() >= 50
    assert published.filter(versions__number=2).count() == 60  # created, then published

    call_command("seed_demo", stdout=io.StringIO())
    assert Practice.objects.count() == 60
