"""Who reaches the import and export pages: the facilitators of the organisation, who write
its data (everyone else gets 404; POST-only confirmation answers 405 to a GET)."""

from tests.test_url_roles import Case, members, only

from .world import WRITERS


def _pending_import(world):
    """A checked upload of organisation A, waiting for confirmation (created on first use)."""
    if "pending_import" not in world.extra:
        from clauses.insertion.transfer.importing import run_import
        from clauses.insertion.transfer.uploads import PendingImport

        files = [("acheteurs.csv", b"SIRET;Nom;Type d'acheteur\r\n")]
        pending = PendingImport.create(
            organisation=world.org_a, user=world.users["facilitateur"], files=files
        )
        pending.set_report(run_import(files, organisation=world.org_a))
        pending.save()
        world.extra["pending_import"] = pending
    return {"token": world.extra["pending_import"].token}


EXPECTATIONS = {
    "transfers:import": Case(only(WRITERS)),
    "transfers:import_template": Case(only(WRITERS)),
    "transfers:import_example": Case(only(WRITERS)),
    "transfers:import_preview": Case(only(WRITERS), _pending_import),
    "transfers:import_confirm": Case(members(405), _pending_import),
    "transfers:export": Case(only(WRITERS)),
    "transfers:export_file": Case(only(WRITERS), lambda w: {"fmt": "xlsx"}),
}

# An upload belongs to one organisation and only its facilitators open it (national
# administrators included would get 404): tested in tests/tracking/test_import_views.py.
CROSS_ORGANISATION = {}
