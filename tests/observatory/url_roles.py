"""Who reads the figures page: whoever has a scope of figures — a facilitator its structure,
a coordinator its territory, a national administrator everything, a buyer's reader the
contracts of its buyer records. A company's member has none (404)."""

from tests.test_url_roles import Case, only
from tests.tracking.world import tracking


def _with_tracking(world):
    tracking(world)  # organisation A's contract, whose buyer is the reader's organisation
    return {}


EXPECTATIONS = {
    "observatory:dashboard": Case(
        only(["facilitateur", "coordinateur", "administrateur_national", "lecteur"]),
        _with_tracking,
    ),
    # The audit file of a year (?annee=, 404 without): national administrators only.
    "observatory:facts": Case(only([], others=404)),
}
