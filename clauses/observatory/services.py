"""The observatory's audited actions (it writes no tracking data)."""

from clauses.core import audit

FACTS_EXPORTED = "observatory.facts_exported"


def log_facts_exported(*, actor, year, rows, people):
    """Record that ``actor`` (a user, or a text such as the command's name) exported the
    audit file of ``year`` (``facts.py``): ``rows`` declarations, ``people`` people."""
    return audit.log(
        actor=actor,
        action=FACTS_EXPORTED,
        object_repr=f"Fichier d'audit des heures {year}",
        changes={"année": year, "lignes": rows, "personnes": people},
    )
