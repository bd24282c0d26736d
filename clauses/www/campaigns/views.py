"""The yearly consolidation campaign in the workspace (« Campagne annuelle »).

The national administrator opens a year and publishes it; each structure's facilitators
submit their year from their tracking data; the coordinators of its territory then the
national administrator validate it or ask for a fix. Every rule lives in
``observatory.campaigns``: these views only decide who sees which page and button, and show
its French refusals. Anyone who may not read a page gets 404, never 403.
"""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clauses.accounts.enums import Role
from clauses.core.exceptions import DomainError
from clauses.observatory import board as checks
from clauses.observatory import campaigns
from clauses.observatory.enums import SubmissionStatus
from clauses.observatory.figures import Period, Scope, compute
from clauses.observatory.models import Campaign, Submission, SubmissionEvent
from clauses.procurement.perms import tracking_organisations
from clauses.www.observatory import present

from .forms import AskFixForm, CorrectForm, OpenCampaignForm, SubmitForm, ValidateForm

NOT_SUBMITTED = "Non déposée"
# Submitted or further on: the campaign's completeness and coverage count these.
DONE = (SubmissionStatus.SUBMITTED, SubmissionStatus.REGIONAL_OK, SubmissionStatus.VALIDATED)


# Who is who -------------------------------------------------------------------------------


def _member(user, organisation):
    """The structure's facilitators: they submit and correct its year."""
    return campaigns.may_declare(user, organisation)


def _reviews(user):
    return user.is_national_admin or user.has_role(Role.COORDINATOR)


def _takes_part(user):
    return _reviews(user) or bool(tracking_organisations(user))


def _campaign_or_404(year):
    return get_object_or_404(Campaign, year=year)


def _status_label(submission):
    return NOT_SUBMITTED if submission is None else submission.get_status_display()


def _latest_versions(campaign, organisations=None):
    """Each structure's working version (its latest), by organisation pk."""
    submissions = Submission.objects.filter(campaign=campaign).order_by("version")
    if organisations is not None:
        submissions = submissions.filter(organisation__in=organisations)
    return {s.organisation_id: s for s in submissions}


def _previous_published(campaign):
    """The previous year's published submissions by organisation pk (empty when that year
    is not published)."""
    previous = Campaign.objects.filter(year=campaign.year - 1, published_at__isnull=False).first()
    if previous is None:
        return None, {}
    return previous, {s.organisation_id: s for s in campaigns.published_submissions(previous)}


# Campaigns --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def index(request):
    user = request.user
    if not _takes_part(user):
        raise Http404
    form = None
    if user.is_national_admin:
        year = timezone.localdate().year - 1
        form = OpenCampaignForm(
            request.POST or None, initial={"year": year, **campaigns.default_dates(year)}
        )
        if request.method == "POST" and form.is_valid():
            try:
                campaign = campaigns.open_campaign(actor=user, **form.cleaned_data)
            except DomainError as error:
                taken = Campaign.objects.filter(year=form.cleaned_data["year"]).exists()
                form.add_error("year" if taken else None, error.message)
            else:
                messages.success(
                    request,
                    f"La campagne {campaign.year} est ouverte : les structures peuvent "
                    "déposer leur année.",
                )
                return redirect("campaigns:board", year=campaign.year)
    elif request.method == "POST":
        raise Http404
    own = tracking_organisations(user)
    rows = []
    for campaign in Campaign.objects.all():
        versions = _latest_versions(campaign, own)
        rows.append(
            {
                "campaign": campaign,
                "structures": [
                    {
                        "organisation": organisation,
                        "status": _status_label(versions.get(organisation.pk)),
                        "url": reverse(
                            "campaigns:submission",
                            kwargs={"year": campaign.year, "organisation": organisation.pk},
                        ),
                    }
                    for organisation in own
                ],
            }
        )
    return render(
        request,
        "campaigns/index.html",
        {
            "title": "Campagne annuelle",
            "rows": rows,
            "form": form,
            "reviews": _reviews(user),
        },
    )


# The board --------------------------------------------------------------------------------


def _board_rows(campaign, structures, previous):
    versions = _latest_versions(campaign, structures)
    rows = []
    for organisation in structures:
        submission = versions.get(organisation.pk)
        frozen = submission is not None and submission.submitted_at is not None
        earlier = previous.get(organisation.pk)
        previous_hours = earlier.hours if earlier else None
        hours = submission.hours if frozen else None
        ratio = checks.change(hours, previous_hours) if frozen else None
        rows.append(
            {
                "organisation": organisation,
                "submission": submission,
                "status": _status_label(submission),
                "done": submission is not None and submission.status in DONE,
                "hours": hours,
                "hours_text": present.number(hours) if frozen else present.DASH,
                "participants": present.number(submission.participants) if frozen else present.DASH,
                "contracts": present.number(submission.contracts) if frozen else present.DASH,
                "previous_hours": previous_hours,
                "previous_text": present.number(previous_hours),
                "change": present.DASH if ratio is None else _signed_percent(ratio),
                "anomalies": checks.anomalies(
                    hours=submission.hours,
                    participants=submission.participants,
                    previous_hours=previous_hours,
                )
                if frozen
                else [],
                "url": reverse(
                    "campaigns:submission",
                    kwargs={"year": campaign.year, "organisation": organisation.pk},
                ),
            }
        )
    return rows


def _percent(ratio):
    """A share to one decimal of a percent at most (0.1 % is the board's precision)."""
    return present.percent(None if ratio is None else ratio.quantize(Decimal("0.001")))


def _signed_percent(ratio):
    return ("+" if ratio > 0 else "") + _percent(ratio)


def _summary(rows, has_previous):
    counts = dict.fromkeys([NOT_SUBMITTED, *SubmissionStatus.labels], 0)
    for row in rows:
        counts[row["status"]] += 1
    done = [row for row in rows if row["done"]]
    hours = sum((row["hours"] for row in done), Decimal(0))
    previous_hours = sum(
        (row["previous_hours"] for row in rows if row["previous_hours"] is not None),
        Decimal(0),
    )
    return {
        "counts": list(counts.items()),
        "done": len(done),
        "expected": len(rows),
        "completeness": _percent(checks.completeness(len(done), len(rows))),
        "hours": present.number(hours),
        "previous_hours": present.number(previous_hours) if has_previous else None,
        "coverage": _percent(checks.coverage(hours, previous_hours)) if has_previous else None,
        "anomalies": sum(1 for row in rows if row["anomalies"]),
    }


@require_http_methods(["GET", "POST"])
def board(request, year):
    user = request.user
    if not _reviews(user):
        raise Http404
    campaign = _campaign_or_404(year)
    structures = campaigns.expected_structures(campaign).select_related(
        "departement__region", "region"
    )
    if not user.is_national_admin:
        structures = structures.filter(campaigns.coordinated_q(user))
    error = None
    if request.method == "POST":
        if not user.is_national_admin:
            raise Http404
        try:
            campaigns.publish(actor=user, campaign=campaign)
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(
                request,
                f"L'année {campaign.year} est publiée : ses chiffres sont ceux des "
                "déclarations validées.",
            )
            return redirect("campaigns:board", year=campaign.year)
    previous, previous_submissions = _previous_published(campaign)
    rows = _board_rows(campaign, list(structures), previous_submissions)
    can_publish = user.is_national_admin and campaigns.published_submissions(campaign).exists()
    return render(
        request,
        "campaigns/board.html",
        {
            "title": f"Campagne {campaign.year} — suivi des déclarations",
            "campaign": campaign,
            "previous": previous,
            "rows": rows,
            "summary": _summary(rows, previous is not None),
            "can_publish": can_publish,
            "error": error,
            "national": user.is_national_admin,
        },
    )


# A structure's year -----------------------------------------------------------------------

ACTIONS = {
    "deposer": SubmitForm,
    "corriger": CorrectForm,
    "valider": ValidateForm,
    "demander_correction": AskFixForm,
}


def _allowed_actions(user, organisation, submission):
    """The actions ``user`` may take on the structure's year now (role and state)."""
    status = submission.status if submission else None
    allowed = set()
    if _member(user, organisation):
        if status is None or status in campaigns.SUBMITTABLE:
            allowed.add("deposer")
        if status == SubmissionStatus.VALIDATED:
            allowed.add("corriger")
    if submission is not None and status in campaigns.REVIEWABLE:
        national = user.is_national_admin
        if national or campaigns.covers(user, organisation, submission):
            allowed.add("demander_correction")
            if national or status == SubmissionStatus.SUBMITTED:
                allowed.add("valider")
    return allowed


def _may_act(user, organisation, submission, action):
    """Whether the action is ``user``'s by role (the state is ``campaigns``' to refuse)."""
    if action in ("deposer", "corriger"):
        return _member(user, organisation)
    return user.is_national_admin or campaigns.covers(user, organisation, submission)


def _act(request, action, form, campaign, organisation, submission):
    """Run ``action``; the success message, or raise the DomainError."""
    user, data = request.user, form.cleaned_data
    if action == "deposer":
        campaigns.submit_from_tracking(
            actor=user, campaign=campaign, organisations=[organisation], comment=data["comment"]
        )
        return f"L'année {campaign.year} de {organisation} est déposée."
    if submission is None:
        raise DomainError("Aucune déclaration déposée pour cette année.")
    if action == "corriger":
        version = campaigns.correct(
            actor=user, submission=submission, revision_note=data["revision_note"]
        )
        return (
            f"La version {version.version} est ouverte : mettez à jour vos données de suivi, "
            "puis déposez-la."
        )
    if action == "valider":
        campaigns.validate(actor=user, submission=submission, message=data["message"])
        return f"Déclaration « {submission.get_status_display().lower()} »."
    campaigns.ask_fix(actor=user, submission=submission, message=data["message"])
    return "La structure est invitée à corriger sa déclaration."


def _readable(user, organisation, submission):
    return (
        user.is_national_admin
        or organisation.pk in user.organisation_ids
        or campaigns.covers(user, organisation)
        or (submission is not None and campaigns.covers(user, organisation, submission))
    )


@require_http_methods(["GET", "POST"])
def submission(request, year, organisation):
    user = request.user
    campaign = _campaign_or_404(year)
    organisation = get_object_or_404(
        campaigns.expected_structures(campaign).select_related("departement__region", "region"),
        pk=organisation,
    )
    current = campaigns.working_version(campaign, organisation)
    if not _readable(user, organisation, current):
        raise Http404
    forms = {name: form_class(prefix=name) for name, form_class in ACTIONS.items()}
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ACTIONS or not _may_act(user, organisation, current, action):
            raise Http404
        form = ACTIONS[action](request.POST, prefix=action)
        forms[action] = form
        if form.is_valid():
            try:
                text = _act(request, action, form, campaign, organisation, current)
            except DomainError as refused:
                error = refused.message
            else:
                messages.success(request, text)
                return redirect(
                    "campaigns:submission", year=campaign.year, organisation=organisation.pk
                )
    _, previous = _previous_published(campaign)
    earlier = previous.get(organisation.pk)
    status = current.status if current else None
    live = status is None or status in campaigns.SUBMITTABLE
    context = {
        "title": f"Campagne {campaign.year} — {organisation}",
        "campaign": campaign,
        "organisation": organisation,
        "submission": current,
        "status": _status_label(current),
        "live": live,
        "previous": earlier,
        "previous_text": present.number(earlier.hours) if earlier else None,
        "allowed": _allowed_actions(user, organisation, current),
        "forms": forms,
        "error": error,
        "to_fix": _fix_message(current) if status == SubmissionStatus.TO_FIX else None,
        "events": SubmissionEvent.objects.filter(
            submission__campaign=campaign, submission__organisation=organisation
        )
        .select_related("submission", "actor")
        .order_by("at", "pk"),
        "reviews": _reviews(user),
        "correction_open": timezone.localdate() <= campaign.correction_until,
    }
    if live:
        scope, period = Scope.organisations([organisation]), Period.of_year(campaign.year)
        figures = compute(scope, period)
        context.update(
            cards=present.headline(figures, compute(scope, period.previous)),
            previous_label=period.previous.label,
            anomalies=checks.anomalies(
                hours=figures["hours"],
                participants=figures["participants"],
                previous_hours=earlier.hours if earlier else None,
            )
            + checks.unknown(figures),
        )
    else:
        context.update(
            totals=[
                ("Heures d'insertion", present.number(current.hours)),
                ("Participants", present.number(current.participants)),
                ("Contrats de travail", present.number(current.missions)),
                ("Marchés avec clause", present.number(current.contracts)),
            ],
            anomalies=checks.anomalies(
                hours=current.hours,
                participants=current.participants,
                previous_hours=earlier.hours if earlier else None,
            )
            + checks.unknown(campaigns.submission_figures(current)),
        )
    return render(request, "campaigns/submission.html", context)


def _fix_message(submission):
    event = submission.events.filter(status=SubmissionStatus.TO_FIX).order_by("-at", "-pk").first()
    return event.message if event else ""
