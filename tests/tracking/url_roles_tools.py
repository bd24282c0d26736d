"""Who reaches the tools: the calculator is public; applying a result is a POST (405 to a
GET); the labour share table is edited by national administrators only."""

from decimal import Decimal

from tests.test_url_roles import Case, everyone, members, only


def _labour_share(world):
    from clauses.procurement.models import LabourShare

    share, _ = LabourShare.objects.get_or_create(
        trade="Peinture intérieure", defaults={"share": Decimal("0.70")}
    )
    return {"pk": share.pk}


EXPECTATIONS = {
    "tools:calculator": Case(everyone(200)),
    "tools:apply": Case(members(405)),
    "tools:labour_shares": Case(only(["administrateur_national"])),
    "tools:labour_share_create": Case(only(["administrateur_national"])),
    "tools:labour_share_edit": Case(only(["administrateur_national"]), _labour_share),
}

# Labour shares are national, not owned by an organisation: nothing to cross.
CROSS_ORGANISATION = {}
