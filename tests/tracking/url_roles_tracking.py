"""Who opens the procurement pages of the workspace (merged into tests/test_url_roles.py).

- The dashboard and the lists answer every member: each shows what the user's scope holds,
  an empty list (with its explanation) for the others.
- A contract, and the buyer record it belongs to, are read by the owning organisation, its
  territorial coordinator, national administrators and the buyer's own readers
  (CONTRACT_READERS): the buyer follows its contracts and its own totals.
- Operations and companies are the facilitator's working records: an operation groups
  contracts of several buyers and a company works for several buyers, so their pages show
  figures of other buyers. A buyer's reader does not open them (FIGURE_READERS).
- Forms and deletions are for the facilitators of the owning organisation (WRITERS);
  POST-only actions answer 405 to a GET.
"""

from clauses.procurement.models import LotCompany
from tests.test_url_roles import Case, members, only

from .world import CONTRACT_READERS, FIGURE_READERS, WRITERS, pk_of, tracking


def _lot_kwargs(world, organisation_attr="org_a"):
    objects = tracking(world, organisation_attr)
    return {"pk": objects["contract"].pk, "lot_pk": objects["lot"].pk}


def _link_kwargs(world):
    objects = tracking(world)
    link = LotCompany.objects.get(lot=objects["lot"], company=objects["company"])
    return {**_lot_kwargs(world), "link_pk": link.pk}


EXPECTATIONS = {
    # A national administrator is sent to the national figures (observatory:dashboard).
    "tracking:dashboard": Case({**members(200), "administrateur_national": 302}),
    # Contracts, their lots and clauses, the companies of each lot.
    "tracking:contract_list": Case(members(200)),
    "tracking:contract_create": Case(only(WRITERS)),
    "tracking:contract_detail": Case(only(CONTRACT_READERS), pk_of("contract")),
    "tracking:contract_edit": Case(only(WRITERS), pk_of("contract")),
    "tracking:contract_delete": Case(only(WRITERS), pk_of("contract")),
    "tracking:lot_create": Case(only(WRITERS), pk_of("contract")),
    "tracking:lot_edit": Case(only(WRITERS), _lot_kwargs),
    "tracking:lot_company_add": Case(only(WRITERS), _lot_kwargs),
    "tracking:lot_company_remove": Case(members(405), _link_kwargs),
    # Buyers.
    "tracking:buyer_list": Case(members(200)),
    "tracking:buyer_create": Case(only(WRITERS)),
    "tracking:buyer_detail": Case(only(CONTRACT_READERS), pk_of("buyer")),
    "tracking:buyer_edit": Case(only(WRITERS), pk_of("buyer")),
    # Operations.
    "tracking:operation_list": Case(members(200)),
    "tracking:operation_create": Case(only(WRITERS)),
    "tracking:operation_detail": Case(only(FIGURE_READERS), pk_of("operation")),
    "tracking:operation_edit": Case(only(WRITERS), pk_of("operation")),
    # Companies.
    "tracking:company_list": Case(members(200)),
    "tracking:company_create": Case(only(WRITERS)),
    "tracking:company_detail": Case(only(FIGURE_READERS), pk_of("company")),
    "tracking:company_edit": Case(only(WRITERS), pk_of("company")),
}

# Organisation B's objects: read by national administrators only. (Their edit pages answer
# 404 to everyone, national administrators included: tests/tracking/test_tracking_pages.py.)
CROSS_ORGANISATION = {
    "tracking:contract_detail": pk_of("contract", "org_b"),
    "tracking:buyer_detail": pk_of("buyer", "org_b"),
    "tracking:operation_detail": pk_of("operation", "org_b"),
    "tracking:company_detail": pk_of("company", "org_b"),
}
