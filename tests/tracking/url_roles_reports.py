"""Who reads the reports (bilans): contract and buyer reports follow the contracts' readers
(the buyer's own reader included); operation reports its figure readers (operations are not
linked to a buyer account). PDF and XLSX downloads follow their page."""

from tests.test_url_roles import Case, members, only

from .world import CONTRACT_READERS, FIGURE_READERS, pk_of

READERS = {"contract": CONTRACT_READERS, "operation": FIGURE_READERS, "buyer": CONTRACT_READERS}

EXPECTATIONS = {"reports:index": Case(members(200))}
CROSS_ORGANISATION = {}
for kind, readers in READERS.items():
    for suffix in ("", "_pdf", "_xlsx"):
        EXPECTATIONS[f"reports:{kind}{suffix}"] = Case(only(readers), pk_of(kind))
        CROSS_ORGANISATION[f"reports:{kind}{suffix}"] = pk_of(kind, "org_b")
