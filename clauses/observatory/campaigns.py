"""The yearly consolidation campaign: the national administrator opens a year, each
structure submits its year (computed from its tracking data), the regional coordinator then
the national administrator validate or ask for a fix, and the validated submissions are
published. Every transition is logged (``SubmissionEvent`` and the audit log).

Submitting freezes the structure's facts (``FrozenFact``: the engine's facts rows for its
structure and year); the published figures (``published_figures``) run the engine's
statements over the latest validated version of each structure, so editing tracking data
later changes nothing published. A correction after validation is a new version with its
revision note, inside the campaign's correction window.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from clauses.accounts.enums import OrganisationKind
from clauses.accounts.models import Organisation
from clauses.core import audit
from clauses.core.exceptions import DomainError
from clauses.procurement.models import Contract, Lot
from clauses.procurement.perms import tracking_organisations

from . import figures as engine
from .enums import SubmissionSource, SubmissionStatus
from .models import Campaign, FrozenFact, Submission, SubmissionEvent
from .progress import active_in
from .scopes import coordinated

OPENED, CHANGED, PUBLISHED = (
    "observatory.campaign_opened",
    "observatory.submission_changed",
    "observatory.campaign_published",
)
# The states a structure may still submit from, and those a reviewer acts on.
SUBMITTABLE = (SubmissionStatus.DRAFT, SubmissionStatus.TO_FIX)
REVIEWABLE = (SubmissionStatus.SUBMITTED, SubmissionStatus.REGIONAL_OK)


def default_dates(year):
    """Deadlines of a campaign opened without dates: submit by 31 March of the next year,
    validate by 30 April, correct until 30 June."""
    return {
        "submission_deadline": datetime.date(year + 1, 3, 31),
        "review_deadline": datetime.date(year + 1, 4, 30),
        "correction_until": datetime.date(year + 1, 6, 30),
    }


def open_campaign(*, actor, year, submission_deadline, review_deadline, correction_until):
    if Campaign.objects.filter(year=year).exists():
        raise DomainError(f"La campagne {year} est déjà ouverte.")
    if not submission_deadline <= review_deadline <= correction_until:
        raise DomainError(
            "Les dates doivent se suivre : dépôt, puis validation, puis fin des corrections."
        )
    campaign = Campaign.objects.create(
        year=year,
        submission_deadline=submission_deadline,
        review_deadline=review_deadline,
        correction_until=correction_until,
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.log(actor=actor, action=OPENED, obj=campaign)
    return campaign


def expected_structures(campaign):
    """The facilitator structures expected to submit (every one of them)."""
    return Organisation.objects.filter(kind=OrganisationKind.FACILITATOR).order_by("name")


def working_version(campaign, organisation):
    """The structure's latest version, or None."""
    return (
        Submission.objects.filter(campaign=campaign, organisation=organisation)
        .order_by("-version")
        .first()
    )


def _log(submission, *, actor, status, message=""):
    submission.status = status
    SubmissionEvent.objects.create(
        submission=submission,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_repr=getattr(actor, "email", None) or str(actor or ""),
        status=status,
        message=message,
    )
    audit.log(
        actor=actor,
        action=CHANGED,
        obj=submission,
        changes={"état": status, "version": submission.version, "message": message},
    )


def _territory(organisation):
    departement = organisation.departement
    return departement, (departement.region if departement else organisation.region)


@transaction.atomic
def submit_from_tracking(*, actor, campaign, organisations, declared_by=None, comment=""):
    """Submit the year of each of ``organisations`` computed from its tracking data: freeze
    its facts and totals. A structure already validated needs ``correct`` first."""
    submissions = []
    for organisation in organisations:
        _check_declarer(actor, organisation, declared_by)
        submission = working_version(campaign, organisation)
        if submission is None:
            submission = Submission(campaign=campaign, organisation=organisation)
        elif submission.status not in SUBMITTABLE:
            raise DomainError(
                f"{organisation} : la déclaration {campaign.year} est "
                f"« {submission.get_status_display().lower()} », elle ne peut pas être déposée."
            )
        submission.source = SubmissionSource.TRACKING
        submission.declared_by = declared_by
        submission.comment = comment or submission.comment
        submission.departement, submission.region = _territory(organisation)
        submission.submitted_at = timezone.now()
        submission.save()
        submissions.append(submission)
    _freeze(campaign, submissions)
    for submission in submissions:
        _log(submission, actor=actor, status=SubmissionStatus.SUBMITTED)
        submission.save(update_fields=["status"])
    return submissions


def may_declare(user, organisation, declared_by=None):
    """Whether ``user`` declares the structure's year: a facilitator of it, or of the
    structure that declares for it (``declared_by``)."""
    declarer = declared_by or organisation
    return declarer.pk in {o.pk for o in tracking_organisations(user)}


def _check_declarer(actor, organisation, declared_by=None):
    """A user declares only as ``may_declare`` says; a command or a script (a text) may
    declare any structure."""
    if getattr(actor, "is_authenticated", False) and not may_declare(
        actor, organisation, declared_by
    ):
        raise DomainError(f"Vous ne pouvez pas déclarer l'année de {organisation}.")


def _freeze(campaign, submissions):
    """Copy the facts of ``submissions``' structures for the campaign's year (one pass over
    the tracking data for all of them), then their totals."""
    if not submissions:
        return
    by_organisation = {s.organisation_id: s for s in submissions}
    FrozenFact.objects.filter(submission__in=submissions).delete()
    scope = engine.Scope.organisations(
        Organisation.objects.filter(pk__in=by_organisation).order_by("pk")
    )
    period = engine.Period.of_year(campaign.year)
    columns = ", ".join(FrozenFact.columns())
    table = FrozenFact._meta.db_table
    submission_table = Submission._meta.db_table
    ids = [s.pk for s in submissions]
    with connection.cursor() as cursor:
        for sql, params in engine.prepare_statements(scope, period, connection.vendor):
            cursor.execute(sql, params)
        cursor.execute(
            f"INSERT INTO {table} (submission_id, {columns}) "
            f"SELECT s.id, {', '.join(f'f.{c}' for c in FrozenFact.columns())} "
            f"FROM {engine.FACTS_TABLE} f JOIN {submission_table} s "
            f"ON s.organisation_id = f.organisation_id "
            f"WHERE s.id IN ({', '.join(['%s'] * len(ids))})",
            ids,
        )
        for sql, params in engine.cleanup_statements():
            cursor.execute(sql, params)
        cursor.execute(
            f"SELECT submission_id, COALESCE(SUM(hours), 0), COUNT(*), "
            f"COUNT(DISTINCT person_key) FROM {table} "
            f"WHERE submission_id IN ({', '.join(['%s'] * len(ids))}) GROUP BY submission_id",
            ids,
        )
        totals = {row[0]: row[1:] for row in cursor.fetchall()}
    # Contracts with a clause active in the year, the figures' rule (progress.active_in).
    with_clause = Lot.objects.filter(clause__isnull=False).values("contract")
    contracts = dict(
        active_in(
            Contract.objects.filter(organisation__in=by_organisation, pk__in=with_clause),
            period,
        )
        .values("organisation")
        .annotate(n=Count("pk"))
        .values_list("organisation", "n")
    )
    for submission in submissions:
        hours, missions, participants = totals.get(submission.pk, (0, 0, 0))
        submission.hours = engine.as_decimal(hours)
        submission.missions = missions
        submission.participants = participants
        submission.contracts = contracts.get(submission.organisation_id, 0)
        submission.save(update_fields=["hours", "missions", "participants", "contracts"])


def coordinated_q(user):
    """The structures a coordinator covers: by their département, else their region."""
    regions, departements = coordinated(user)
    return (
        Q(departement__in=departements)
        | Q(departement__region__in=regions)
        | Q(departement__isnull=True, region__in=regions)
    )


def covers(user, organisation, submission=None):
    """Whether ``user`` coordinates the structure's territory (the submission's, once it
    is frozen there, as ``campaigns.validate`` reads it)."""
    regions, departements = coordinated(user)
    if not (regions or departements):
        return False
    if submission is not None and (submission.departement_id or submission.region_id):
        departement, region = submission.departement, submission.region
    else:
        departement = organisation.departement
        region = departement.region if departement else organisation.region
    return (departement is not None and departement in departements) or region in regions


def _reviewer_level(user, submission):
    """ "region" when ``user`` coordinates the submission's territory, "national" for a
    national administrator, else None."""
    if user.is_national_admin:
        return "national"
    return "region" if covers(user, submission.organisation, submission) else None


@transaction.atomic
def validate(*, actor, submission, message="", level=None):
    """A coordinator's validation sends the submission on to the national administrator,
    whose validation is final. ``level`` ("region" or "national") is the reviewer's, from
    their memberships unless given (``manage.py consolidate`` acts as the national
    administrator)."""
    level = level or _reviewer_level(actor, submission)
    if level is None:
        raise DomainError("Vous ne pouvez pas valider cette déclaration.")
    if submission.status not in REVIEWABLE:
        raise DomainError(
            f"La déclaration est « {submission.get_status_display().lower()} » : "
            "elle ne peut pas être validée."
        )
    if level == "region":
        if submission.status == SubmissionStatus.REGIONAL_OK:
            raise DomainError("La déclaration est déjà validée par la région.")
        _log(submission, actor=actor, status=SubmissionStatus.REGIONAL_OK, message=message)
    else:
        _log(submission, actor=actor, status=SubmissionStatus.VALIDATED, message=message)
        submission.validated_at = timezone.now()
    submission.save(update_fields=["status", "validated_at"])
    campaign = submission.campaign
    if level != "region" and campaign.published_at is not None:
        # A correction validated after publication: the published year is released again,
        # as a new version (the submission's revision note says why).
        from .release import store

        store(campaign)
        audit.log(
            actor=actor,
            action=PUBLISHED,
            obj=campaign,
            changes={"version publiée": campaign.release_version, "révision": str(submission)},
        )
    return submission


@transaction.atomic
def ask_fix(*, actor, submission, message):
    if not message.strip():
        raise DomainError("Dites à la structure ce qu'elle doit corriger (message).")
    if _reviewer_level(actor, submission) is None:
        raise DomainError("Vous ne pouvez pas demander de correction pour cette déclaration.")
    if submission.status not in REVIEWABLE:
        raise DomainError(
            f"La déclaration est « {submission.get_status_display().lower()} » : "
            "aucune correction ne peut être demandée."
        )
    _log(submission, actor=actor, status=SubmissionStatus.TO_FIX, message=message.strip())
    submission.save(update_fields=["status"])
    return submission


@transaction.atomic
def correct(*, actor, submission, revision_note, today=None):
    """A new version of a validated submission, inside the correction window: the validated
    one stays published until the new one is validated."""
    today = today or timezone.localdate()
    campaign = submission.campaign
    _check_declarer(actor, submission.organisation, submission.declared_by)
    if submission.status != SubmissionStatus.VALIDATED:
        raise DomainError("Seule une déclaration validée se corrige par une nouvelle version.")
    if today > campaign.correction_until:
        raise DomainError(
            f"La fenêtre de correction de la campagne {campaign.year} est close depuis le "
            f"{campaign.correction_until:%d/%m/%Y}."
        )
    if not revision_note.strip():
        raise DomainError("Expliquez la correction (note de révision).")
    if working_version(campaign, submission.organisation).pk != submission.pk:
        raise DomainError("Une version plus récente de cette déclaration existe déjà.")
    version = Submission.objects.create(
        campaign=campaign,
        organisation=submission.organisation,
        declared_by=submission.declared_by,
        version=submission.version + 1,
        source=submission.source,
        revision_note=revision_note.strip(),
        departement=submission.departement,
        region=submission.region,
    )
    _log(version, actor=actor, status=SubmissionStatus.DRAFT, message=revision_note.strip())
    version.save(update_fields=["status"])
    return version


def published_submissions(campaign):
    """The latest validated version of each structure."""
    latest = (
        Submission.objects.filter(
            campaign=campaign,
            organisation=OuterRef("organisation"),
            status=SubmissionStatus.VALIDATED,
        )
        .order_by("-version")
        .values("pk")[:1]
    )
    return Submission.objects.filter(
        campaign=campaign, status=SubmissionStatus.VALIDATED, pk=Subquery(latest)
    )


@transaction.atomic
def publish(*, actor, campaign):
    if not published_submissions(campaign).exists():
        raise DomainError(f"Aucune déclaration validée : la campagne {campaign.year} est vide.")
    from .release import store  # the release reads this module's published submissions

    campaign.published_at = timezone.now()
    campaign.save(update_fields=["published_at"])
    store(campaign)
    audit.log(
        actor=actor,
        action=PUBLISHED,
        obj=campaign,
        changes={"version publiée": campaign.release_version},
    )
    return campaign


def published_figures(scope, year, *, hours_per_etp=None):
    """The figures of ``year`` for ``scope`` (country, region, département, structure) from
    the frozen facts of its published campaign, or None when the year is not published."""
    campaign = Campaign.objects.filter(year=year, published_at__isnull=False).first()
    if campaign is None:
        return None
    submissions = published_submissions(campaign)
    ids = list(submissions.values_list("pk", flat=True))
    condition, params = scope.facts_condition()
    marks = ", ".join(["%s"] * len(ids)) or "NULL"
    facts = (
        f"SELECT * FROM {FrozenFact._meta.db_table} "
        f"WHERE submission_id IN ({marks}) AND {condition}",
        [*ids, *params],
    )
    in_scope = submissions.filter(_submission_scope_q(scope))
    contracts = sum(in_scope.values_list("contracts", flat=True))
    figures = figures_from_facts(scope, year, facts, contracts, hours_per_etp=hours_per_etp)
    figures.computed_at = campaign.published_at
    return figures


def submission_figures(submission):
    """The figures of one submission, from its frozen facts (what it declared)."""
    facts = (
        f"SELECT * FROM {FrozenFact._meta.db_table} WHERE submission_id = %s",
        [submission.pk],
    )
    scope = engine.Scope.organisations([submission.organisation])
    figures = figures_from_facts(scope, submission.campaign.year, facts, submission.contracts)
    figures.computed_at = submission.submitted_at
    return figures


def figures_from_facts(scope, year, facts, contracts, *, hours_per_etp=None):
    """The engine's statements over ``facts`` (an SQL query of facts rows and its
    parameters); contracts, which no facts row describes, as frozen by the submissions."""
    period = engine.Period.of_year(year)
    statements = engine.statements(scope, period, connection.vendor, facts=facts)
    del statements["contracts"]  # the live contracts' rule: the submissions froze theirs
    results = {name: engine._django_execute(sql, p) for name, (sql, p) in statements.items()}
    results["contracts"] = [(contracts,)]
    return engine.assemble(results, scope=scope, period=period, hours_per_etp=hours_per_etp)


def _submission_scope_q(scope):
    if scope.kind == "national":
        return Q()
    return Q(**{f"{scope.kind}__in": scope.ids})
