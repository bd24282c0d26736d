"""Every write on participants, eligibility, missions, hours and outcomes goes through here.

Keyword-only, atomic, validated with French messages naming the field, audited. The
``check_*`` functions hold the rules alone (no database write) so that imports and the
bulk demo generator apply exactly the same rules as the forms.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clauses.core import audit
from clauses.core.exceptions import DomainError
from clauses.procurement.services import full_clean_or_raise
from clauses.territories import geo
from clauses.territories.geocoding import find_commune

from . import identity
from .enums import OUTCOME_KIND_OF_DETAIL, QpvSource
from .models import Eligibility, HoursDeclaration, Mission, Outcome, Participant

PARTICIPANT_FIELDS = [
    "identifier",
    "last_name",
    "first_name",
    "birth_date",
    "address",
    "postal_code",
    "sex",
    "commune",
    "qpv",
    "qpv_list_year",
    "qpv_source",
    "education_level",
    "prescriber",
    "exception_reason",
]
MISSION_FIELDS = [
    "participant",
    "lot",
    "company",
    "modality",
    "work_contract_type",
    "start_date",
    "end_date",
]

MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def month_label(month):
    return f"{MONTHS_FR[month.month - 1]} {month.year}"


def of_month(month):
    """« d'octobre 2026 », « de mars 2026 »: the month after « de », elided before a vowel."""
    label = month_label(month)
    return f"d'{label}" if label[0] in "aeiou" else f"de {label}"


def first_of_month(day):
    return day.replace(day=1)


def participant_repr(participant):
    """What the audit log keeps of a participant: the internal identifier, never a name."""
    return f"Participant {participant.identifier} ({participant.organisation})"


# --- Participants -------------------------------------------------------------------------


def find_duplicate(
    *, organisation, identifier, last_name="", first_name="", birth_date=None, exclude_pk=None
):
    """The participant of ``organisation`` with the same identifier, or the same name and
    birth date (case and accents of the name as typed), or None."""
    query = Q(identifier__iexact=identifier.strip())
    if last_name and first_name and birth_date:
        query |= Q(
            last_name__iexact=last_name.strip(),
            first_name__iexact=first_name.strip(),
            birth_date=birth_date,
        )
    others = Participant.objects.filter(organisation=organisation).filter(query)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    return others.first()


def check_not_duplicate(*, organisation, values, exclude_pk=None):
    duplicate = find_duplicate(
        organisation=organisation,
        identifier=values.get("identifier", ""),
        last_name=values.get("last_name", ""),
        first_name=values.get("first_name", ""),
        birth_date=values.get("birth_date"),
        exclude_pk=exclude_pk,
    )
    if duplicate is None:
        return
    if duplicate.identifier.lower() == values.get("identifier", "").strip().lower():
        raise DomainError(
            f"Un participant porte déjà l'identifiant « {duplicate.identifier} » "
            "dans votre structure.",
            field="identifier",
        )
    raise DomainError(
        "Un participant de même nom, prénom et date de naissance existe déjà "
        f"(identifiant « {duplicate.identifier} ») : c'est sans doute la même personne.",
        field="last_name",
    )


def resolve_commune(*, postal_code, commune_name):
    """The Commune for a postal code and a commune name, or DomainError naming the field."""
    if not (postal_code or commune_name):
        return None
    found = find_commune(postal_code, commune_name)
    if found is None:
        raise DomainError(
            f"Commune inconnue : « {postal_code} {commune_name} ». Vérifiez le code postal "
            "et le nom de la commune.",
            field="commune",
        )
    return found.commune


def qpv_at(*, lat, lon, on):
    """The QPV of the list in force on ``on`` holding the point, and that list's year."""
    list_year = geo.list_year_on(on)
    if lat is None or lon is None or list_year is None:
        return None, list_year
    return geo.locate_qpv(lat, lon, on=on), list_year


@transaction.atomic
def save_participant(*, actor, organisation, participant=None, **values):
    """Create or update a participant. Duplicates (same identifier, or same name and birth
    date) are refused; a QPV chosen by hand must belong to the list it names."""
    participant = participant or Participant(organisation=organisation)
    is_new = participant.pk is None
    merged = {f: getattr(participant, f) for f in PARTICIPANT_FIELDS} | values
    merged["identifier"] = (merged.get("identifier") or "").strip()
    if not merged["identifier"]:
        raise DomainError("Identifiant : ce champ est obligatoire.", field="identifier")
    check_not_duplicate(organisation=organisation, values=merged, exclude_pk=participant.pk)
    qpv = merged.get("qpv")
    if qpv is not None:
        if merged.get("qpv_list_year") and qpv.list_year != merged["qpv_list_year"]:
            raise DomainError(
                f"Le QPV {qpv} appartient à la liste {qpv.list_year}, pas à la liste "
                f"{merged['qpv_list_year']}.",
                field="qpv",
            )
        values.setdefault("qpv_list_year", qpv.list_year)
        if merged.get("qpv_source") in (None, "", QpvSource.NONE):
            values["qpv_source"] = QpvSource.MANUAL
    changes = {} if is_new else audit.diff(participant, PARTICIPANT_FIELDS, values)
    for field, value in values.items():
        if field not in PARTICIPANT_FIELDS:
            raise TypeError(f"Champ inconnu : {field}")
        setattr(participant, field, value)
    participant.identifier = merged["identifier"]
    participant.person_key = identity.key_of(participant)
    full_clean_or_raise(participant)
    participant.save()
    if is_new or changes:
        # Field names only: the values are personal data.
        audit.log(
            actor=actor,
            action="insertion.participant_created" if is_new else "insertion.participant_updated",
            obj=participant,
            object_repr=participant_repr(participant),
            changes={"champs": sorted(changes)} if changes else {},
        )
    return participant


def log_participant_viewed(*, actor, participant):
    """Reading a participant's file is recorded (personal data)."""
    audit.log(
        actor=actor,
        action="insertion.participant_viewed",
        obj=participant,
        object_repr=participant_repr(participant),
    )


@transaction.atomic
def delete_participant(*, actor, participant):
    if participant.missions.exists():
        raise DomainError(
            "Ce participant a des missions : supprimez-les avant de supprimer son dossier."
        )
    audit.log(
        actor=actor,
        action="insertion.participant_deleted",
        obj=participant,
        object_repr=participant_repr(participant),
    )
    participant.delete()


@transaction.atomic
def add_eligibility(*, actor, participant, criterion, assessed_on, valid_until=None, note=""):
    eligibility = Eligibility(
        participant=participant,
        criterion=criterion,
        assessed_on=assessed_on,
        valid_until=valid_until,
        note=note,
    )
    if valid_until and assessed_on and valid_until < assessed_on:
        raise DomainError(
            "Valable jusqu'au : la date de fin précède la date de constat.", field="valid_until"
        )
    full_clean_or_raise(eligibility)
    eligibility.save()
    audit.log(
        actor=actor,
        action="insertion.eligibility_added",
        obj=participant,
        object_repr=participant_repr(participant),
        changes={"critère": eligibility.get_criterion_display()},
    )
    return eligibility


@transaction.atomic
def remove_eligibility(*, actor, eligibility):
    participant = eligibility.participant
    audit.log(
        actor=actor,
        action="insertion.eligibility_removed",
        obj=participant,
        object_repr=participant_repr(participant),
        changes={"critère": eligibility.get_criterion_display()},
    )
    eligibility.delete()


# --- Missions -----------------------------------------------------------------------------


def check_mission(*, organisation, participant, lot, company):
    if participant.organisation_id != organisation.pk:
        raise DomainError("Ce participant appartient à une autre structure.", field="participant")
    if lot.contract.organisation_id != organisation.pk:
        raise DomainError("Ce lot appartient à une autre structure.", field="lot")
    if company.organisation_id != organisation.pk:
        raise DomainError("Cette entreprise appartient à une autre structure.", field="company")
    if not hasattr(lot, "clause"):
        raise DomainError(
            f"Le {lot} du marché {lot.contract.reference} n'a pas de clause sociale : "
            "aucune mission ne peut y être rattachée.",
            field="lot",
        )


@transaction.atomic
def save_mission(*, actor, organisation, mission=None, **values):
    mission = mission or Mission()
    is_new = mission.pk is None
    merged = {f: getattr(mission, f, None) for f in MISSION_FIELDS if f in values or not is_new}
    merged |= values
    check_mission(
        organisation=organisation,
        participant=merged["participant"],
        lot=merged["lot"],
        company=merged["company"],
    )
    start, end = merged.get("start_date"), merged.get("end_date")
    if start and end and end < start:
        raise DomainError(
            "Fin : la mission ne peut pas finir avant de commencer.", field="end_date"
        )
    if not is_new and start:
        outside = [
            declaration.month
            for declaration in mission.hours.all()
            if not _month_within(declaration.month, start, end)
        ]
        if outside:
            raise DomainError(
                f"Des heures sont déclarées en {month_label(outside[0])}, hors des nouvelles "
                "dates de la mission.",
                field="start_date" if outside[0] < first_of_month(start) else "end_date",
            )
    changes = {} if is_new else audit.diff(mission, MISSION_FIELDS, values)
    for field, value in values.items():
        if field not in MISSION_FIELDS:
            raise TypeError(f"Champ inconnu : {field}")
        setattr(mission, field, value)
    full_clean_or_raise(mission)
    mission.save()
    if is_new or changes:
        audit.log(
            actor=actor,
            action="insertion.mission_created" if is_new else "insertion.mission_updated",
            obj=mission,
            object_repr=f"Mission {mission.pk} — {participant_repr(mission.participant)}",
            changes=changes,
        )
    return mission


def _month_within(month, start, end):
    next_month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return start < next_month and (end is None or end >= month)


# --- Hours --------------------------------------------------------------------------------


def parse_hours(value, *, field="hours"):
    """A Decimal from « 35 », « 35,5 » or 35.5; DomainError otherwise."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    text = str(value or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise DomainError(
            f"Heures : « {value} » n'est pas un nombre d'heures.", field=field
        ) from None


def check_hours_value(hours, *, month=None, field="hours"):
    """The rules of a number of hours whatever its mission: a Decimal, not negative, under
    the monthly ceiling (``month``, when known, only names the month in the message)."""
    hours = parse_hours(hours, field=field)
    when = f" en {month_label(month)}" if month else ""
    if hours < 0:
        raise DomainError(
            f"Heures : {hours} h{when} — un nombre d'heures ne peut pas être négatif.",
            field=field,
        )
    ceiling = settings.MAX_HOURS_PER_MONTH
    if hours > ceiling:
        raise DomainError(
            f"Heures : {hours} h{when} dépasse le plafond plausible de {ceiling} h par mois.",
            field=field,
        )
    return hours


def check_hours(*, mission, month, hours, field="hours"):
    """The rules of one monthly declaration; returns (first-of-month, Decimal hours)."""
    month = first_of_month(month)
    if month.year < 1900 or month.year > 2100:
        raise DomainError(
            f"Mois : {month.isoformat()} n'est pas une date plausible.", field="month"
        )
    hours = check_hours_value(hours, month=month, field=field)
    if hours > 0 and not _month_within(month, mission.start_date, mission.end_date):
        end = f"au {mission.end_date:%d/%m/%Y}" if mission.end_date else "sans date de fin"
        raise DomainError(
            f"Heures : {month_label(month)} est hors des dates de la mission "
            f"(du {mission.start_date:%d/%m/%Y} {end}).",
            field=field,
        )
    return month, hours


@transaction.atomic
def declare_hours(*, actor, entries, log=True):
    """Save monthly hours: ``entries`` is an iterable of (mission, month, hours).

    Every entry is checked before anything is written; 0 or empty deletes the declaration.
    Returns the number of declarations created or changed.
    """
    by_key = {}
    for mission, month, hours in entries:
        if hours in (None, ""):
            hours = 0
        month, hours = check_hours(mission=mission, month=month, hours=hours)
        # The same mission and month twice: the last value wins (one row per month).
        by_key[(mission.pk, month)] = (mission, month, hours)
    checked = list(by_key.values())
    if not checked:
        return 0
    missions = {m.pk: m for m, _, _ in checked}
    existing = {
        (d.mission_id, d.month): d
        for d in HoursDeclaration.objects.filter(
            mission_id__in=missions, month__in={month for _, month, _ in checked}
        )
    }
    to_create, to_update, to_delete = [], [], []
    now = timezone.now()
    for mission, month, hours in checked:
        current = existing.get((mission.pk, month))
        if current is None:
            if hours > 0:
                to_create.append(HoursDeclaration(mission=mission, month=month, hours=hours))
        elif hours == 0:
            to_delete.append(current.pk)
        elif current.hours != hours:
            current.hours = hours
            current.updated_at = now  # bulk_update skips auto_now
            to_update.append(current)
    HoursDeclaration.objects.bulk_create(to_create)
    HoursDeclaration.objects.bulk_update(to_update, ["hours", "updated_at"])
    HoursDeclaration.objects.filter(pk__in=to_delete).delete()
    changed = len(to_create) + len(to_update) + len(to_delete)
    if changed and log:
        audit.log(
            actor=actor,
            action="insertion.hours_declared",
            object_repr=f"{changed} déclaration(s) d'heures",
            changes={"missions": sorted(missions)[:50], "lignes": changed},
        )
    return changed


# --- Outcomes -----------------------------------------------------------------------------


@transaction.atomic
def record_outcome(*, actor, mission, moment, detail, observed_on, note=""):
    """Record (or correct) the situation at exit or at 6 months; the IAE kind follows
    from the detail."""
    if mission.end_date is None:
        raise DomainError(
            "Une sortie ne s'enregistre que sur une mission terminée : indiquez d'abord "
            "sa date de fin.",
            field="moment",
        )
    if observed_on and observed_on < mission.end_date:
        raise DomainError(
            "Constatée le : la sortie ne peut pas précéder la fin de la mission "
            f"({mission.end_date:%d/%m/%Y}).",
            field="observed_on",
        )
    outcome = Outcome.objects.filter(mission=mission, moment=moment).first() or Outcome(
        mission=mission, moment=moment
    )
    outcome.detail = detail
    outcome.kind = OUTCOME_KIND_OF_DETAIL.get(detail, "")
    outcome.observed_on = observed_on
    outcome.note = note
    full_clean_or_raise(outcome)
    outcome.save()
    audit.log(
        actor=actor,
        action="insertion.outcome_recorded",
        obj=mission,
        object_repr=f"Mission {mission.pk} — {participant_repr(mission.participant)}",
        changes={"moment": outcome.get_moment_display(), "situation": outcome.get_detail_display()},
    )
    return outcome
