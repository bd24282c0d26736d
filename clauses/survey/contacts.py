"""Contact lists for invitations: read from CSV or XLSX, all or nothing.

Columns (header on the first line, in any order, case and accents ignored): ``email``
(required), ``prénom``, ``nom``, ``structure``.
"""

import csv
import io
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from clauses.core import audit
from clauses.core.exceptions import DomainError

from . import emails
from .enums import ResponseStatus
from .models import Respondent

COLUMNS = {
    "email": "email",
    "e-mail": "email",
    "courriel": "email",
    "prenom": "first_name",
    "nom": "last_name",
    "structure": "structure_name",
}
MAX_ROWS = 20000


def _key(name):
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    return text.strip().lower()


def read_rows(uploaded):
    """The rows of a CSV (``;`` or ``,``, UTF-8) or XLSX file, header included."""
    name = uploaded.name.lower()
    content = uploaded.read()
    if name.endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise DomainError("Ce fichier XLSX est illisible.", field="file") from exc
        rows = [
            ["" if v is None else str(v).strip() for v in row]
            for row in workbook.active.iter_rows(values_only=True)
        ]
        workbook.close()
        return rows
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DomainError(
                "Ce fichier CSV n'est pas encodé en UTF-8 : enregistrez-le en « CSV UTF-8 ».",
                field="file",
            ) from exc
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
        return [
            [v.strip() for v in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    raise DomainError("Joignez un fichier .csv ou .xlsx.", field="file")


def parse_contacts(rows):
    """``[{email, first_name, last_name, structure_name}]``; every error names its line."""
    rows = list(rows)
    if not rows:
        raise DomainError("Le fichier est vide.", field="file")
    header = [COLUMNS.get(_key(name), "") for name in rows[0]]
    if "email" not in header:
        raise DomainError(
            "La première ligne doit nommer les colonnes, dont « email » "
            "(et si vous voulez « prénom », « nom », « structure »).",
            field="file",
        )
    if len(rows) > MAX_ROWS + 1:
        raise DomainError(f"Le fichier dépasse {MAX_ROWS} lignes.", field="file")
    contacts, errors, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        values = dict.fromkeys(COLUMNS.values(), "")
        for field, value in zip(header, row, strict=False):
            if field:
                values[field] = value
        email = values["email"].strip().lower()
        if not email:
            errors.append(f"Ligne {number} : l'adresse e-mail manque.")
            continue
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                f"Ligne {number} : « {values['email']} » n'est pas une adresse e-mail valide."
            )
            continue
        if email in seen:
            errors.append(f"Ligne {number} : l'adresse {email} figure déjà ligne {seen[email]}.")
            continue
        seen[email] = number
        values["email"] = email
        contacts.append(values)
    if errors:
        shown = errors[:20]
        more = f" (et {len(errors) - 20} autres erreurs)" if len(errors) > 20 else ""
        raise DomainError("Rien n'a été importé. " + " ".join(shown) + more, field="file")
    if not contacts:
        raise DomainError("Le fichier ne contient aucun contact.", field="file")
    return contacts


@transaction.atomic
def import_contacts(*, actor, survey, uploaded):
    """Add the file's contacts as respondents (existing addresses are updated)."""
    contacts = parse_contacts(read_rows(uploaded))
    existing = {r.email: r for r in Respondent.objects.filter(survey=survey).exclude(email="")}
    created = updated = 0
    new = []
    for contact in contacts:
        respondent = existing.get(contact["email"])
        if respondent is None:
            new.append(Respondent(survey=survey, **contact))
            created += 1
            continue
        for field in ("first_name", "last_name", "structure_name"):
            if contact[field]:
                setattr(respondent, field, contact[field])
        respondent.save(update_fields=["first_name", "last_name", "structure_name"])
        updated += 1
    Respondent.objects.bulk_create(new)
    audit.log(
        actor=actor,
        action="survey.contacts_imported",
        obj=survey,
        changes={"ajoutés": [None, created], "mis à jour": [None, updated]},
    )
    return created, updated


def invitation_targets(survey, *, reminder):
    """Invitations: contacts never invited. Reminders: invited, not yet submitted."""
    respondents = Respondent.objects.filter(survey=survey).exclude(email="")
    if not reminder:
        return respondents.filter(invited_at__isnull=True)
    return respondents.filter(invited_at__isnull=False).exclude(
        responses__status=ResponseStatus.SUBMITTED
    )


def send_invitations(*, survey, reminder, progress=None):
    """Send invitations (or reminders), recording when; ``progress(done, total)``."""
    targets = list(invitation_targets(survey, reminder=reminder))
    total = len(targets)
    for done, respondent in enumerate(targets, start=1):
        emails.send_invitation(respondent, reminder=reminder)
        now = timezone.now()
        if reminder:
            respondent.reminded_at = now
            respondent.reminder_count += 1
            respondent.save(update_fields=["reminded_at", "reminder_count"])
        else:
            respondent.invited_at = now
            respondent.save(update_fields=["invited_at"])
        if progress:
            progress(done, total)
    audit.log(
        actor="tâche de fond",
        action="survey.reminders_sent" if reminder else "survey.invitations_sent",
        obj=survey,
        changes={"envois": [None, total]},
    )
    return total
