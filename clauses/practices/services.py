"""Writes on practice sheets: every change goes through here (views, the survey's
« promote » button, the demo). Each save stores a readable version and an audit entry and
refreshes the search index."""

import difflib
from pathlib import PurePath

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from clauses.core import audit
from clauses.core.exceptions import DomainError
from clauses.directory.enums import ActorFamily

from . import perms, search
from .enums import MarketKind, PracticeStatus, Public, Theme
from .models import (
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    Practice,
    PracticeAttachment,
    PracticePartner,
    PracticeVersion,
    ResultFigure,
)

# Plain fields written by ``create_practice`` / ``update_practice``.
FIELDS = [
    "title",
    "pitch",
    "region",
    "departement",
    "commune",
    "latitude",
    "longitude",
    "lead_structure",
    "context",
    "actions",
    "means",
    "results",
    "success_factors",
    "pitfalls",
    "contact_name",
    "contact_email",
    "contact_consent",
    "themes",
    "tags",
    "publics",
    "market_kinds",
    "actor_families",
    "year",
]
M2M_FIELDS = ["qpvs", "meetings", "structures"]

# Snapshot keys, in reading order, with the French label shown in the history.
SNAPSHOT_LABELS = {
    "title": "Titre",
    "status": "Statut",
    "pitch": "Résumé",
    "territory": "Territoire",
    "qpvs": "Quartiers prioritaires",
    "point": "Point sur la carte",
    "lead_structure": "Structure porteuse",
    "partners": "Partenaires",
    "context": "Contexte",
    "actions": "Actions menées",
    "means": "Moyens mobilisés",
    "results": "Résultats",
    "figures": "Chiffres clés",
    "success_factors": "Facteurs de réussite",
    "pitfalls": "Points de vigilance",
    "contact": "Contact",
    "themes": "Thèmes",
    "tags": "Mots-clés",
    "publics": "Publics",
    "market_kinds": "Types de marchés",
    "actor_families": "Familles d'acteurs",
    "year": "Année",
    "meetings": "Rencontres",
    "structures": "Structures impliquées",
    "attachments": "Pièces jointes",
    "source_response": "Réponse à l'enquête d'origine",
}


def _lines(values):
    return "\n".join(str(v) for v in values)


def snapshot(practice):
    """The sheet as a reader sees it: {key: text}, keys of ``SNAPSHOT_LABELS``."""
    contact = ", ".join(v for v in (practice.contact_name, practice.contact_email) if v)
    if contact:
        contact += " (affiché)" if practice.contact_consent else " (non affiché)"
    point = ""
    if practice.latitude is not None and practice.longitude is not None:
        point = f"{practice.latitude:.5f}, {practice.longitude:.5f}"
    return {
        "title": practice.title,
        "status": practice.get_status_display(),
        "pitch": practice.pitch,
        "territory": practice.territory_label,
        "qpvs": _lines(f"{q.name} ({q.code})" for q in practice.qpvs.order_by("code")),
        "point": point,
        "lead_structure": str(practice.lead_structure or ""),
        "partners": _lines(f"{p.name} — {p.get_family_display()}" for p in practice.partners.all()),
        "context": practice.context,
        "actions": practice.actions,
        "means": practice.means,
        "results": practice.results,
        "figures": _lines(f"{f.label} : {f.display_value}" for f in practice.figures.all()),
        "success_factors": practice.success_factors,
        "pitfalls": practice.pitfalls,
        "contact": contact,
        "themes": _lines(practice.theme_labels()),
        "tags": ", ".join(practice.tags),
        "publics": _lines(practice.public_labels()),
        "market_kinds": _lines(practice.market_kind_labels()),
        "actor_families": _lines(practice.actor_family_labels()),
        "year": str(practice.year or ""),
        "meetings": _lines(str(m) for m in practice.meetings.order_by("starts_at")),
        "structures": _lines(str(s) for s in practice.structures.order_by("name")),
        "attachments": _lines(a.title for a in practice.attachments.all()),
        "source_response": f"Réponse n° {practice.source_response_id}"
        if practice.source_response_id
        else "",
    }


def version_diff(old, new):
    """What changed between two snapshots, for people: a list of
    {"label", "lines": [("removed"|"added"|"same", text)]} in reading order."""
    changes = []
    for key, label in SNAPSHOT_LABELS.items():
        before, after = (old or {}).get(key, ""), new.get(key, "")
        if before == after:
            continue
        lines = []
        for line in difflib.ndiff(before.splitlines(), after.splitlines()):
            code, text = line[:2], line[2:]
            if code == "- ":
                lines.append(("removed", text))
            elif code == "+ ":
                lines.append(("added", text))
            elif code == "  ":
                lines.append(("same", text))
        changes.append({"key": key, "label": label, "lines": lines})
    return changes


def _record(practice, *, actor, action, changes=None):
    """Store a version, write the audit entry, refresh the search index."""
    number = (practice.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    PracticeVersion.objects.create(
        practice=practice,
        number=number,
        snapshot=snapshot(practice),
        action=action,
        author=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.log(actor=actor, action=action, obj=practice, changes=changes)
    search.index_practice(practice)


def unique_slug(title, *, exclude_pk=None):
    base = slugify(title)[:100] or "pratique"
    slug, n = base, 1
    others = Practice.objects.exclude(pk=exclude_pk) if exclude_pk else Practice.objects.all()
    while others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean_codes(values, choices):
    return [v for v in dict.fromkeys(values or []) if v in choices.values]


def _apply(practice, data):
    for field in FIELDS:
        if field in data:
            setattr(practice, field, data[field])
    practice.themes = _clean_codes(practice.themes, Theme)
    practice.publics = _clean_codes(practice.publics, Public)
    practice.market_kinds = _clean_codes(practice.market_kinds, MarketKind)
    practice.actor_families = _clean_codes(practice.actor_families, ActorFamily)
    practice.tags = [t.strip() for t in dict.fromkeys(practice.tags or []) if t and t.strip()]
    if not (practice.title or "").strip():
        raise DomainError("Donnez un titre à la fiche.", field="title")
    if (practice.latitude is None) != (practice.longitude is None):
        raise DomainError("Indiquez la latitude et la longitude du point, ou aucune des deux.")
    if practice.departement_id and not practice.region_id:
        practice.region_id = practice.departement.region_id
    if practice.commune_id and not practice.departement_id:
        practice.departement_id = practice.commune.departement_id
        practice.region_id = practice.commune.departement.region_id


def _write_children(practice, data, partners, figures):
    for field in M2M_FIELDS:
        if field in data:
            getattr(practice, field).set(data[field])
    if partners is not None:
        practice.partners.all().delete()
        PracticePartner.objects.bulk_create(
            PracticePartner(practice=practice, position=i, **partner)
            for i, partner in enumerate(partners)
        )
    if figures is not None:
        practice.figures.all().delete()
        ResultFigure.objects.bulk_create(
            ResultFigure(practice=practice, position=i, **figure)
            for i, figure in enumerate(figures)
        )


def _contributor_organisation(actor):
    for membership in actor.active_memberships:
        if membership.organisation.kind in perms.CONTRIBUTOR_KINDS:
            return membership.organisation
    return actor.active_memberships[0].organisation if actor.active_memberships else None


@transaction.atomic
def create_practice(*, actor, data, partners=None, figures=None, source_response=None):
    """A new draft sheet."""
    if not perms.can_contribute(actor):
        raise DomainError("Vous ne pouvez pas créer de fiche pratique.")
    practice = Practice(
        created_by=actor,
        organisation=_contributor_organisation(actor),
        source_response=source_response,
    )
    _apply(practice, data)
    practice.slug = unique_slug(practice.title)
    practice.save()
    _write_children(practice, data, partners, figures)
    action = "practices.created_from_response" if source_response else "practices.created"
    _record(practice, actor=actor, action=action)
    return practice


@transaction.atomic
def update_practice(*, practice, actor, data, partners=None, figures=None):
    """Save an edit. A contributor's edit of a published sheet sends it back to review."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if not perms.can_edit(actor, practice):
        raise DomainError("Vous ne pouvez pas modifier cette fiche.")
    if practice.status == PracticeStatus.ARCHIVED:
        raise DomainError(
            "Une fiche archivée ne se modifie plus : renvoyez-la d'abord en brouillon."
        )
    before = snapshot(practice)
    _apply(practice, data)
    if practice.published_at is None and practice.title != before["title"]:
        # The address follows the title until the sheet is first published, then stays.
        practice.slug = unique_slug(practice.title, exclude_pk=practice.pk)
    if practice.status == PracticeStatus.PUBLISHED and not perms.can_publish(actor, practice):
        practice.status = PracticeStatus.IN_REVIEW
    practice.save()
    _write_children(practice, data, partners, figures)
    after = snapshot(practice)
    changes = {
        SNAPSHOT_LABELS[k]: [before[k][:200], after[k][:200]]
        for k in after
        if before[k] != after[k]
    }
    _record(practice, actor=actor, action="practices.updated", changes=changes)
    return practice


def _missing_for_review(practice):
    missing = []
    if not practice.pitch.strip():
        missing.append("le résumé")
    if not practice.themes:
        missing.append("au moins un thème")
    return missing


def _transition(practice, *, actor, to, allowed_from, action):
    old = practice.get_status_display()
    if practice.status not in allowed_from:
        raise DomainError(
            f"Une fiche au statut « {old} » ne peut pas passer au statut "
            f"« {PracticeStatus(to).label} »."
        )
    practice.status = to
    if to == PracticeStatus.PUBLISHED and practice.published_at is None:
        practice.published_at = timezone.now()
    practice.save(update_fields=["status", "published_at", "updated_at"])
    _record(
        practice,
        actor=actor,
        action=action,
        changes={"Statut": [old, practice.get_status_display()]},
    )
    return practice


def _locked(practice):
    return (
        Practice.objects.select_for_update(of=("self",))
        .select_related("source_response")
        .get(pk=practice.pk)
    )


@transaction.atomic
def submit_for_review(*, practice, actor):
    practice = _locked(practice)
    if not perms.can_edit(actor, practice):
        raise DomainError("Vous ne pouvez pas soumettre cette fiche.")
    missing = _missing_for_review(practice)
    if missing:
        raise DomainError(f"Avant la relecture, complétez : {', '.join(missing)}.")
    return _transition(
        practice,
        actor=actor,
        to=PracticeStatus.IN_REVIEW,
        allowed_from=[PracticeStatus.DRAFT],
        action="practices.submitted",
    )


def check_publishable(practice):
    """Raise DomainError when the sheet may not be published (e.g. no consent)."""
    response = practice.source_response
    if response is not None and not getattr(response, "consent_to_publish", False):
        raise DomainError(
            "La personne qui a décrit cette pratique dans l'enquête n'a pas accepté sa "
            "publication : la fiche ne peut pas être publiée."
        )
    missing = _missing_for_review(practice)
    if missing:
        raise DomainError(f"Avant la publication, complétez : {', '.join(missing)}.")


@transaction.atomic
def publish(*, practice, actor):
    """Only an editor publishes; never a sheet whose source answer refused publication."""
    practice = _locked(practice)
    if not perms.can_publish(actor, practice):
        raise DomainError(
            "Seul un éditeur (coordination territoriale ou nationale) publie une fiche."
        )
    check_publishable(practice)
    return _transition(
        practice,
        actor=actor,
        to=PracticeStatus.PUBLISHED,
        allowed_from=[PracticeStatus.DRAFT, PracticeStatus.IN_REVIEW],
        action="practices.published",
    )


@transaction.atomic
def archive(*, practice, actor):
    practice = _locked(practice)
    if not perms.can_publish(actor, practice):
        raise DomainError("Seul un éditeur archive une fiche.")
    return _transition(
        practice,
        actor=actor,
        to=PracticeStatus.ARCHIVED,
        allowed_from=[PracticeStatus.PUBLISHED, PracticeStatus.IN_REVIEW, PracticeStatus.DRAFT],
        action="practices.archived",
    )


@transaction.atomic
def back_to_draft(*, practice, actor):
    """Editors send any sheet back to draft; contributors withdraw one under review."""
    practice = _locked(practice)
    allowed = perms.can_publish(actor, practice) or (
        practice.status == PracticeStatus.IN_REVIEW and perms.can_edit(actor, practice)
    )
    if not allowed:
        raise DomainError("Vous ne pouvez pas renvoyer cette fiche en brouillon.")
    return _transition(
        practice,
        actor=actor,
        to=PracticeStatus.DRAFT,
        allowed_from=[PracticeStatus.IN_REVIEW, PracticeStatus.PUBLISHED, PracticeStatus.ARCHIVED],
        action="practices.back_to_draft",
    )


def check_attachment(upload):
    extension = PurePath(upload.name).suffix.lower().lstrip(".")
    if extension not in ATTACHMENT_EXTENSIONS:
        raise DomainError(
            f"Format non accepté : choisissez un fichier {', '.join(ATTACHMENT_EXTENSIONS)}.",
            field="file",
        )
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise DomainError("Le fichier dépasse 10 Mo.", field="file")


@transaction.atomic
def add_attachment(*, practice, actor, upload, title):
    if not perms.can_edit(actor, practice):
        raise DomainError("Vous ne pouvez pas modifier cette fiche.")
    check_attachment(upload)
    attachment = PracticeAttachment(practice=practice, title=title, size=upload.size)
    attachment.file.save(PurePath(upload.name).name, upload, save=False)
    attachment.save()
    _record(practice, actor=actor, action="practices.attachment_added")
    return attachment


@transaction.atomic
def delete_attachment(*, attachment, actor):
    practice = attachment.practice
    if not perms.can_edit(actor, practice):
        raise DomainError("Vous ne pouvez pas modifier cette fiche.")
    attachment.file.delete(save=False)
    attachment.delete()
    _record(practice, actor=actor, action="practices.attachment_deleted")


# --- From a survey answer -------------------------------------------------------------

TEXT_FIELDS = [
    "title",
    "pitch",
    "context",
    "actions",
    "means",
    "results",
    "success_factors",
    "pitfalls",
]
LIST_FIELDS = {"themes": Theme, "publics": Public, "market_kinds": MarketKind}


def _as_text(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        return "\n".join(str(v) for v in value.values() if v not in (None, ""))
    return str(value).strip()


def _as_codes(value, choices):
    values = value if isinstance(value, list) else [value]
    by_label = {label.lower(): code for code, label in choices.choices}
    codes = []
    for item in values:
        text = str(item or "").strip()
        if text in choices.values:
            codes.append(text)
        elif text.lower() in by_label:
            codes.append(by_label[text.lower()])
    return codes


def _territory(data, value):
    from clauses.territories.models import Commune, Departement, Region

    code = _as_text(value).upper()
    commune = Commune.objects.filter(code=code).select_related("departement").first()
    if commune:
        data.update(commune=commune, departement=commune.departement)
        data["region"] = commune.departement.region
        return
    departement = Departement.objects.filter(code=code).first()
    if departement:
        data.update(departement=departement, region=departement.region)
        return
    region = Region.objects.filter(code=code).first()
    if region:
        data["region"] = region


def prefill_from_response(response):
    """(data, partners) of a sheet from the answers whose question names a sheet field."""
    from clauses.territories.models import Qpv

    data = {"region": response.region, "departement": getattr(response, "departement", None)}
    partners = []
    family = getattr(response, "actor_family", "")
    if family:
        data["actor_families"] = [family]
    submitted = getattr(response, "submitted_at", None)
    if submitted:
        data["year"] = submitted.year
    for answer in response.answers.select_related("question"):
        field = getattr(answer.question, "practice_field", "") or ""
        value = answer.value
        if field in TEXT_FIELDS:
            data[field] = _as_text(value)[:255] if field == "title" else _as_text(value)
        elif field in LIST_FIELDS:
            data[field] = _as_codes(value, LIST_FIELDS[field])
        elif field == "partners":
            partners = [
                {"name": line.strip()[:255], "family": ActorFamily.OTHER}
                for line in _as_text(value).splitlines()
                if line.strip()
            ]
        elif field == "contact":
            data["contact_name"] = _as_text(value)[:200]
        elif field == "territory":
            _territory(data, value)
        elif field == "qpv":
            qpv = Qpv.objects.filter(code=_as_text(value).upper()).order_by("-list_year").first()
            if qpv:
                data["qpvs"] = [qpv]
    if not data.get("title"):
        name = getattr(response, "structure_name", "") or "une structure"
        data["title"] = f"Pratique inspirante de {name}"[:255]
    return data, partners


@transaction.atomic
def create_draft_from_response(*, response, actor):
    """« Promouvoir en fiche pratique »: a draft pre-filled from the inspiring-practice
    answers, linked to its source. Without the respondent's consent it can be written
    but never published."""
    existing = Practice.objects.filter(source_response=response).first()
    if existing:
        raise DomainError(f"Cette réponse a déjà donné la fiche « {existing.title} ».")
    data, partners = prefill_from_response(response)
    return create_practice(actor=actor, data=data, partners=partners, source_response=response)
