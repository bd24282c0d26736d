"""The insertion side of the facilitator workspace: participants and their file, missions,
outcomes and the monthly hours grid.

Participants are personal data: their pages answer 404 to everyone but the facilitators of
the owning organisation (``Participant.objects.for_user``), national administrators
included, and reading a file writes an audit entry. The hours grid also shows figures,
read-only, to the coordinator of the territory and national administrators, without names.
Every write goes through ``clauses.insertion.services``.
"""

import datetime
import re
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Max, Min, Prefetch, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from clauses.core import audit
from clauses.core.dates import add_months
from clauses.core.exceptions import DomainError
from clauses.insertion import entry, services
from clauses.insertion.enums import AgeBand, OutcomeMoment, QpvSource
from clauses.insertion.models import Eligibility, HoursDeclaration, Mission, Participant
from clauses.insertion.transfer import exporting
from clauses.observatory import progress
from clauses.procurement import perms
from clauses.procurement.models import Clause, Company, Contract
from clauses.territories import geocoding
from clauses.territories.enums import qpv_list_in_force
from clauses.territories.geocoding import GeocodingError, find_commune
from clauses.www.tracking.access import tracking_organisation_or_404
from clauses.www.workspace.views import _page

from .forms import (
    EligibilityForm,
    HoursGridForm,
    HoursMonthForm,
    MissionFilterForm,
    MissionForm,
    OutcomeForm,
    ParticipantFilterForm,
    ParticipantForm,
    lot_label,
    participant_label,
)

PARTICIPANTS_PER_PAGE = 50
MISSIONS_PER_PAGE = 50
GRID_ROWS_PER_PAGE = 50
CELL_NAME = re.compile(r"^h-(\d+)-(\d{4})-(\d{2})$")
MONTH_ABBREVIATIONS = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]
ZERO = Decimal(0)


def format_hours(value, *, grouping=True):
    """« 1 234,5 » for 1234.50; « 0 » for nothing (French decimal comma)."""
    value = Decimal(value or 0).quantize(Decimal("0.01"))
    text = f"{value:,.2f}" if grouping else f"{value:.2f}"
    text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",")


def _today():
    return timezone.localdate()


def _tracking_organisations(request):
    """The organisations the user follows participants for; 404 for everyone else."""
    organisations = perms.tracking_organisations(request.user)
    if not organisations:
        raise Http404
    return organisations


def _participant_or_404(request, pk, *, for_writing=False):
    _tracking_organisations(request)
    participant = get_object_or_404(
        Participant.objects.for_user(request.user).select_related("organisation", "commune", "qpv"),
        pk=pk,
    )
    if for_writing and not perms.can_edit(request.user, participant.organisation_id):
        raise Http404
    return participant


def _mission_or_404(request, pk):
    """A mission of a participant the user may write for (404 otherwise)."""
    _tracking_organisations(request)
    mission = get_object_or_404(
        Mission.objects.filter(
            participant__in=Participant.objects.for_user(request.user)
        ).select_related("participant", "lot__contract", "company"),
        pk=pk,
    )
    if not perms.can_edit(request.user, mission.participant.organisation_id):
        raise Http404
    return mission


def _add_error(form, error, aliases=None):
    """Attach a DomainError to the field it names (or to the whole form)."""
    field = (aliases or {}).get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


# --- Participants -------------------------------------------------------------------------


def participant_list(request):
    organisations = _tracking_organisations(request)
    today = _today()
    participants = (
        Participant.objects.for_user(request.user)
        .filter(organisation__in=organisations)
        .select_related("qpv")
        .annotate(hours_total=progress.hours_done("mission__participant"))
        .prefetch_related(
            Prefetch(
                "missions",
                queryset=Mission.objects.active_on(today)
                .select_related("lot__contract", "company")
                .order_by("start_date", "pk"),
                to_attr="current_missions",
            )
        )
    )
    form = ParticipantFilterForm(data=request.GET or None)
    participants = form.filter(participants, today=today)
    page = _page(request, participants, PARTICIPANTS_PER_PAGE)
    for participant in page:
        band = participant.age_band(today)
        participant.age_band_label = AgeBand(band).label if band else "Non renseignée"
        participant.hours_label = format_hours(participant.hours_total)
    return render(
        request,
        "insertion/participant_list.html",
        {
            "title": "Participants",
            "form": form,
            "page_obj": page,
            "is_filtered": form.is_filtered(),
            "can_create": perms.can_track(request.user),
        },
    )


def _qpv_reference_date(participant):
    """The QPV list that applies is the one in force when the participant's path started:
    their first mission's start, or today."""
    if participant is not None and participant.pk:
        first = participant.missions.aggregate(first=Min("start_date"))["first"]
        if first:
            return first
    return _today()


def _commune_of(postal_code, commune_name):
    found = find_commune(postal_code or "", commune_name or "")
    return found.commune if found else None


def _locate_by_address(*, address, postal_code, commune_name, on):
    """(qpv, list_year, warning) from the address, through the national address API."""
    query = " ".join(part for part in (address, postal_code, commune_name) if part)
    try:
        found = geocoding.geocode(query)
    except GeocodingError as error:
        return None, None, f"QPV non déterminé : {error.message}"
    if found is None or not found.is_reliable:
        return (
            None,
            None,
            "QPV non déterminé : l'adresse n'a pas été trouvée dans la Base adresse "
            "nationale. Vérifiez-la ou choisissez le QPV à la main.",
        )
    qpv, list_year = services.qpv_at(lat=found.lat, lon=found.lon, on=on)
    return qpv, list_year, ""


def _qpv_values(form, participant, *, reference_date, commune):
    """The QPV fields to save, and a warning to show (or "")."""
    chosen = form.chosen_qpv()
    list_year = qpv_list_in_force(reference_date)
    if chosen is None:
        return {"qpv": None, "qpv_source": QpvSource.MANUAL, "qpv_list_year": list_year}, ""
    if chosen != "":
        return {
            "qpv": chosen,
            "qpv_source": QpvSource.MANUAL,
            "qpv_list_year": chosen.list_year,
        }, ""
    data = form.cleaned_data
    address_changed = participant is None or (
        (data["address"], data["postal_code"], commune)
        != (
            participant.address,
            participant.postal_code,
            participant.commune,
        )
    )
    already_located = participant is not None and participant.qpv_source == QpvSource.GEOCODED
    if already_located and not address_changed:
        return {}, ""  # the address was already located
    if geocoding.is_enabled() and data["address"] and commune is not None:
        qpv, year, warning = _locate_by_address(
            address=data["address"],
            postal_code=data["postal_code"],
            commune_name=commune.name,
            on=reference_date,
        )
        if not warning:
            return {"qpv": qpv, "qpv_source": QpvSource.GEOCODED, "qpv_list_year": year}, ""
        return {"qpv": None, "qpv_source": QpvSource.NONE, "qpv_list_year": None}, warning
    return {"qpv": None, "qpv_source": QpvSource.NONE, "qpv_list_year": None}, ""


def _participant_form_page(request, participant=None):
    organisation = (
        participant.organisation if participant else tracking_organisation_or_404(request)
    )
    reference_date = _qpv_reference_date(participant)
    list_year = qpv_list_in_force(reference_date)
    refresh_url = request.path
    if request.htmx and request.method == "GET" and request.GET.get("fragment") == "qpv":
        # The QPV list follows the commune being typed (progressive enhancement).
        commune = _commune_of(request.GET.get("postal_code"), request.GET.get("commune_name"))
        form = ParticipantForm(
            organisation=organisation,
            participant=participant,
            list_year=list_year,
            commune=commune,
            initial={"qpv": request.GET.get("qpv", "")},
        )
        return render(request, "insertion/_qpv_field.html", {"form": form})
    data = request.POST if request.method == "POST" else None
    if data is not None:
        commune = _commune_of(data.get("postal_code"), data.get("commune_name"))
    else:
        commune = participant.commune if participant else None
    form = ParticipantForm(
        data=data,
        organisation=organisation,
        participant=participant,
        list_year=list_year,
        commune=commune,
        refresh_url=refresh_url,
    )
    if data is not None and form.is_valid():
        commune = form.commune
        qpv_values, warning = _qpv_values(
            form, participant, reference_date=reference_date, commune=commune
        )
        try:
            saved = services.save_participant(
                actor=request.user,
                organisation=organisation,
                participant=participant,
                commune=commune,
                **form.participant_values(),
                **qpv_values,
            )
        except DomainError as error:
            _add_error(form, error, {"commune": "commune_name"})
        else:
            verb = "créé" if participant is None else "enregistré"
            messages.success(request, f"Participant {saved.identifier} {verb}.")
            if warning:
                messages.warning(request, warning)
            return redirect("insertion:participant_detail", pk=saved.pk)
    title = "Nouveau participant" if participant is None else f"Modifier {participant.identifier}"
    return render(
        request,
        "insertion/participant_form.html",
        {
            "title": title,
            "form": form,
            "participant": participant,
            "geocoding_enabled": geocoding.is_enabled(),
        },
    )


def participant_create(request):
    return _participant_form_page(request)


def participant_edit(request, pk):
    return _participant_form_page(request, _participant_or_404(request, pk, for_writing=True))


def _grid_year_of(mission):
    """The year the hours grid opens on for a mission: this year while it runs."""
    today = _today()
    if mission.start_date > today:
        return mission.start_date.year
    if mission.end_date is not None and mission.end_date < today:
        return mission.end_date.year
    return today.year


def _mission_rows(missions):
    """Each mission with its monthly hours (declared months), total and outcomes."""
    rows = []
    for mission in missions:
        months = [
            {
                "label": services.month_label(declaration.month),
                "hours": format_hours(declaration.hours),
            }
            for declaration in mission.hours.all()
        ]
        total = sum((d.hours for d in mission.hours.all()), ZERO)
        outcomes = {outcome.moment: outcome for outcome in mission.outcomes.all()}
        rows.append(
            {
                "mission": mission,
                "lot_label": lot_label(mission.lot),
                "months": months,
                "total": format_hours(total),
                "outcomes": list(outcomes.values()),
                "missing_outcomes": mission.end_date is not None
                and len(outcomes) < len(OutcomeMoment.choices),
                "grid_year": _grid_year_of(mission),
            }
        )
    return rows


def _participant_detail_page(request, participant, *, eligibility_form=None, status=200):
    services.log_participant_viewed(actor=request.user, participant=participant)
    today = _today()
    missions = (
        participant.missions.select_related("lot__contract", "company")
        .prefetch_related("hours", "outcomes")
        .order_by("-start_date", "-pk")
    )
    band = participant.age_band(today)
    can_edit = perms.can_edit(request.user, participant.organisation_id)
    return render(
        request,
        "insertion/participant_detail.html",
        {
            "title": f"Participant {participant.identifier}",
            "participant": participant,
            "full_name": f"{participant.first_name} {participant.last_name.upper()}".strip(),
            "age_band": AgeBand(band).label if band else "",
            "eligibilities": participant.eligibilities.all(),
            "missions": _mission_rows(missions),
            "can_edit": can_edit,
            "eligibility_form": eligibility_form or EligibilityForm(),
        },
        status=status,
    )


def participant_detail(request, pk):
    return _participant_detail_page(request, _participant_or_404(request, pk))


@require_POST
def eligibility_add(request, pk):
    participant = _participant_or_404(request, pk, for_writing=True)
    form = EligibilityForm(data=request.POST)
    if form.is_valid():
        try:
            eligibility = services.add_eligibility(
                actor=request.user, participant=participant, **form.cleaned_data
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"Critère « {eligibility.get_criterion_display()} » ajouté.")
            return redirect(
                reverse("insertion:participant_detail", args=[participant.pk]) + "#criteres"
            )
    return _participant_detail_page(request, participant, eligibility_form=form)


@require_POST
def eligibility_remove(request, pk, eligibility_pk):
    participant = _participant_or_404(request, pk, for_writing=True)
    eligibility = get_object_or_404(Eligibility, participant=participant, pk=eligibility_pk)
    label = eligibility.get_criterion_display()
    services.remove_eligibility(actor=request.user, eligibility=eligibility)
    messages.success(request, f"Critère « {label} » retiré.")
    return redirect(reverse("insertion:participant_detail", args=[participant.pk]) + "#criteres")


# --- Missions -----------------------------------------------------------------------------


def mission_list(request):
    organisations = _tracking_organisations(request)
    today = _today()
    missions = (
        Mission.objects.filter(participant__in=Participant.objects.for_user(request.user))
        .filter(participant__organisation__in=organisations)
        .select_related("participant", "lot__contract", "company")
        .annotate(hours_total=progress.hours_done("mission"))
        .order_by("-start_date", "participant__identifier", "pk")
    )
    form = MissionFilterForm(
        data=request.GET or None,
        contracts=Contract.objects.filter(organisation__in=organisations).order_by("reference"),
        companies=Company.objects.filter(organisation__in=organisations).order_by("name"),
    )
    missions = form.filter(missions, today=today)
    page = _page(request, missions, MISSIONS_PER_PAGE)
    soon = today + datetime.timedelta(days=30)
    for mission in page:
        mission.participant_label = participant_label(mission.participant)
        mission.lot_label = lot_label(mission.lot)
        mission.hours_label = format_hours(mission.hours_total)
        if mission.start_date > today:
            mission.status_label, mission.status_class = "À venir", "fr-badge--info"
        elif mission.end_date is not None and mission.end_date < today:
            mission.status_label, mission.status_class = "Terminée", ""
        elif mission.end_date is not None and mission.end_date <= soon:
            mission.status_label, mission.status_class = "Fin proche", "fr-badge--warning"
        else:
            mission.status_label, mission.status_class = "En cours", "fr-badge--success"
    return render(
        request,
        "insertion/mission_list.html",
        {
            "title": "Missions",
            "form": form,
            "page_obj": page,
            "is_filtered": form.is_filtered(),
        },
    )


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _mission_form_page(request, mission=None):
    organisation = (
        mission.participant.organisation if mission else tracking_organisation_or_404(request)
    )
    lots = Clause.objects.filter(lot__contract__organisation=organisation)
    if request.htmx and request.method == "GET" and request.GET.get("fragment") == "entreprise":
        lot_pk = _int_or_none(request.GET.get("lot"))
        clause = lots.filter(lot_id=lot_pk).select_related("lot").first() if lot_pk else None
        form = MissionForm(
            organisation=organisation,
            lot=clause.lot if clause else None,
            initial={"company": request.GET.get("company", "")},
        )
        return render(request, "insertion/_company_field.html", {"form": form})
    data = request.POST if request.method == "POST" else None
    source = data if data is not None else request.GET
    lot_pk = _int_or_none(source.get("lot")) or (mission.lot_id if mission else None)
    clause = lots.filter(lot_id=lot_pk).select_related("lot").first() if lot_pk else None
    initial = None
    if mission is None and data is None:
        participant = None
        participant_pk = _int_or_none(request.GET.get("participant"))
        if participant_pk:
            participant = organisation.participants.filter(pk=participant_pk).first()
        initial = {
            "participant": participant.pk if participant else None,
            "lot": clause.lot_id if clause else None,
            "start_date": _today(),
        }
    kwargs = {"initial": initial} if initial is not None else {}
    form = MissionForm(
        data=data,
        organisation=organisation,
        mission=mission,
        lot=clause.lot if clause else None,
        refresh_url=request.path,
        **kwargs,
    )
    if data is not None and form.is_valid():
        try:
            saved = services.save_mission(
                actor=request.user,
                organisation=organisation,
                mission=mission,
                **form.mission_values(),
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            verb = "créée" if mission is None else "enregistrée"
            messages.success(
                request,
                f"Mission de {saved.participant.identifier} sur {lot_label(saved.lot)} {verb}.",
            )
            return redirect(
                reverse("insertion:participant_detail", args=[saved.participant_id])
                + f"#mission-{saved.pk}"
            )
    return render(
        request,
        "insertion/mission_form.html",
        {
            "title": "Nouvelle mission" if mission is None else "Modifier la mission",
            "form": form,
            "mission": mission,
            "has_lots": lots.exists(),
        },
    )


def mission_create(request):
    _tracking_organisations(request)
    return _mission_form_page(request)


def mission_edit(request, pk):
    return _mission_form_page(request, _mission_or_404(request, pk))


def outcome_record(request, pk):
    mission = _mission_or_404(request, pk)
    existing = {outcome.moment: outcome for outcome in mission.outcomes.all()}
    moment = request.GET.get("moment")
    if moment not in OutcomeMoment.values:
        # The exit first, then the situation six months later.
        exit_known = OutcomeMoment.EXIT in existing
        moment = OutcomeMoment.SIX_MONTHS if exit_known else OutcomeMoment.EXIT
    observed_on = mission.end_date
    if observed_on and moment == OutcomeMoment.SIX_MONTHS:
        observed_on += relativedelta(months=6)
    initial = {"moment": moment, "observed_on": observed_on}
    if moment in existing:
        outcome = existing[moment]
        initial.update(detail=outcome.detail, observed_on=outcome.observed_on, note=outcome.note)
    form = OutcomeForm(data=request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.record_outcome(
                actor=request.user, mission=mission, **form.cleaned_data
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                f"Sortie enregistrée pour {mission.participant.identifier} "
                f"({outcome.get_moment_display().lower()} : {outcome.get_detail_display()}).",
            )
            return redirect(
                reverse("insertion:participant_detail", args=[mission.participant_id])
                + f"#mission-{mission.pk}"
            )
    return render(
        request,
        "insertion/outcome_form.html",
        {
            "title": f"Sortie de {mission.participant.identifier}",
            "form": form,
            "mission": mission,
            "lot_label": lot_label(mission.lot),
            "existing": list(existing.values()),
        },
    )


# --- Monthly hours grid -------------------------------------------------------------------


def _may_read_hours(user):
    """Facilitators (who write), and coordinators and national administrators (who read)."""
    return perms.can_track(user) or perms.reads_other_organisations(user)


# Above this many contracts, the grid's contract is found by a search, not in a list.
GRID_CHOICES_LIMIT = 300
GRID_SEARCH_RESULTS = 20


def _grid_contracts(user):
    """Contracts with a clause whose figures the user reads (not a buyer's reader)."""
    return (
        Contract.objects.filter(pk__in=Clause.objects.for_user(user).values("lot__contract_id"))
        .select_related("organisation")
        .order_by("reference", "pk")
    )


def _month_starts(year):
    return [datetime.date(year, month, 1) for month in range(1, 13)]


def _grid_years(contract, missions, today):
    bounds = missions.aggregate(
        first=Min("start_date"),
        last=Max("end_date"),
        running=Count("pk", filter=Q(end_date__isnull=True)),
    )
    first = (bounds["first"] or contract.notification_date or today).year
    last = (bounds["last"] or today).year
    if bounds["running"]:
        last = max(last, today.year)
    first, last = min(first, last), max(first, last)
    return list(range(first, last + 1))


def _cell_name(mission, month):
    """A grid cell's field name (read back by ``CELL_NAME``)."""
    return f"h-{mission.pk}-{month:%Y-%m}"


def _cell(mission, month, *, who, value="", error=""):
    key = _cell_name(mission, month)
    return {
        "name": key,
        "id": key,
        "label": f"Heures de {who} en {services.month_label(month)}",
        "enabled": mission.covers_month(month),
        "value": value,
        "error": error,
        "autofocus": False,
    }


def _focus_first_empty(cells):
    """The cursor waits in the first of ``cells`` open for entry and still empty."""
    for cell in cells:
        if cell["enabled"] and not cell["value"]:
            cell["autofocus"] = True
            return


def _who(mission, *, with_names):
    return mission.participant.identifier if with_names else f"la mission n° {mission.pk}"


def _grid_totals(missions, months):
    """Hours per month over every mission of the selection (one query)."""
    totals = dict.fromkeys(months, ZERO)
    rows = (
        HoursDeclaration.objects.filter(mission__in=missions.order_by().values("pk"))
        .filter(month__gte=months[0], month__lte=months[-1])
        .order_by()
        .values("month")
        .annotate(total=Sum("hours"))
    )
    for row in rows:
        totals[row["month"]] = row["total"]
    return totals


def _total_cells(totals, months):
    return [
        {
            "id": f"total-{month:%Y-%m}",
            "label": services.month_label(month),
            "value": format_hours(totals[month]),
        }
        for month in months
    ]


def _parse_cells(post, missions_by_pk, year):
    """The (mission, month, raw value, cell name) posted for the grid's missions and year."""
    cells = []
    for name, value in post.items():
        match = CELL_NAME.match(name)
        if not match:
            continue
        mission = missions_by_pk.get(int(match[1]))
        if mission is None or int(match[2]) != year or not 1 <= int(match[3]) <= 12:
            continue
        cells.append((mission, datetime.date(year, int(match[3]), 1), value.strip(), name))
    return cells


def hours_grid(request):
    user = request.user
    if not _may_read_hours(user):
        raise Http404
    today = _today()
    contracts = _grid_contracts(user)
    contract_pk = request.GET.get("marche")
    contract = None
    if contract_pk:
        contract = get_object_or_404(contracts, pk=_int_or_none(contract_pk))
    else:
        first_two = list(contracts[:2])
        if len(first_two) == 1:
            contract = first_two[0]
        has_contracts = bool(first_two)
    writer_orgs = [o.pk for o in perms.tracking_organisations(user)]
    show_organisation = perms.reads_other_organisations(user) or len(writer_orgs) > 1
    # A cell saved with htmx renders no selection form: no count on that hot path.
    cell_save = request.method == "POST" and request.htmx
    many = not cell_save and contracts.count() > GRID_CHOICES_LIMIT
    search = request.GET.get("recherche", "").strip()[:100]
    context = {
        "title": "Heures mensuelles",
        "contract": contract,
        "has_contracts": True,
        "show_nav": bool(writer_orgs),
        "rows": None,
        "can_write": False,
        "many": many,
        "search": search,
        "found": (
            list(
                contracts.filter(Q(reference__icontains=search) | Q(object__icontains=search))[
                    :GRID_SEARCH_RESULTS
                ]
            )
            if many and search
            else None
        ),
        "search_limit": GRID_SEARCH_RESULTS,
        "entries": None,
        "entry_month": None,
        "entry_heading": "",
    }
    if contract is None:  # no contract asked for (one asked for is found or a 404)
        context["has_contracts"] = has_contracts
        if writer_orgs and has_contracts:
            # The month's to-do list: the contracts this user enters hours for.
            month = entry.month_to_enter(today)
            context["entry_month"] = month
            context["entry_heading"] = entry.heading(month)
            context["entries"] = entry.entry_by_contract(
                entry.missions_entered_by(writer_orgs), month
            )
        context["form"] = HoursGridForm(
            contracts=contracts,
            years=[today.year],
            show_organisation=show_organisation,
            many=many,
        )
        return render(request, "insertion/hours_grid.html", context)

    all_missions = Mission.objects.filter(lot__contract=contract)
    years = _grid_years(contract, all_missions, today)
    default_year = today.year if today.year in years else years[-1]
    data = {
        "marche": str(contract.pk),
        "lot": request.GET.get("lot", ""),
        "entreprise": request.GET.get("entreprise", ""),
        "annee": request.GET.get("annee") or str(default_year),
    }

    def selection_form():
        return HoursGridForm(
            data=data,
            contracts=contracts,
            contract=contract,
            years=years,
            show_organisation=show_organisation,
            many=many,
        )

    form = selection_form()
    if not form.is_valid() and set(form.errors) <= {"lot", "entreprise"}:
        # A lot or company of the contract shown before: the new contract's grid, whole.
        data.update(dict.fromkeys(form.errors, ""))
        form = selection_form()
    context["form"] = form
    if not form.is_valid():
        return render(request, "insertion/hours_grid.html", context)
    year = form.cleaned_data["annee"]
    months = _month_starts(year)
    missions = all_missions.running_between(months[0], months[-1].replace(day=31))
    if form.cleaned_data["lot"]:
        missions = missions.filter(lot=form.cleaned_data["lot"])
    if form.cleaned_data["entreprise"]:
        missions = missions.filter(company=form.cleaned_data["entreprise"])
    missions = missions.select_related("participant", "company", "lot").order_by(
        "participant__identifier", "start_date", "pk"
    )
    can_write = perms.can_edit(user, contract.organisation_id)
    with_names = perms.can_read_participants(user, contract.organisation_id)
    grid_url = request.get_full_path()

    posted, errors = {}, {}
    if request.method == "POST":
        if not can_write:
            raise Http404
        ids = {int(m[1]) for m in map(CELL_NAME.match, request.POST) if m}
        by_pk = {m.pk: m for m in missions.filter(pk__in=ids)}
        response, posted, errors = _post_cells(
            request,
            _parse_cells(request.POST, by_pk, year),
            missions=missions,
            months=months,
            with_names=with_names,
            grid_url=grid_url,
        )
        if response is not None:
            return response

    page = _page(request, missions, GRID_ROWS_PER_PAGE)
    declared = {
        (d.mission_id, d.month): d.hours
        for d in HoursDeclaration.objects.filter(
            mission_id__in=[m.pk for m in page], month__gte=months[0], month__lte=months[-1]
        )
    }
    rows = []
    for mission in page:
        who = _who(mission, with_names=with_names)
        cells, total = [], ZERO
        for month in months:
            hours = declared.get((mission.pk, month))
            total += hours or ZERO
            name = _cell_name(mission, month)
            value = posted.get(name, format_hours(hours, grouping=False) if hours else "")
            cells.append(_cell(mission, month, who=who, value=value, error=errors.get(name, "")))
        rows.append(
            {
                "mission": mission,
                "label": participant_label(mission.participant)
                if with_names
                else f"Mission n° {mission.pk}",
                "cells": cells,
                "total": format_hours(total),
            }
        )
    # Opened for one month (?mois=10, from last month's missions without hours): the cursor
    # waits in that month's first empty cell.
    focus = _int_or_none(request.GET.get("mois"))
    if can_write and not errors and focus in range(1, 13):
        _focus_first_empty(row["cells"][focus - 1] for row in rows)
    totals = _grid_totals(missions, months)
    context.update(
        {
            "title": f"Heures mensuelles — {contract.reference}",
            "year": year,
            "years": years,
            "months": [
                {"abbr": MONTH_ABBREVIATIONS[m.month - 1], "label": services.month_label(m)}
                for m in months
            ],
            "rows": rows,
            "page_obj": page,
            "column_totals": _total_cells(totals, months),
            "grand_total": format_hours(sum(totals.values(), ZERO)),
            "can_write": can_write,
            "with_names": with_names,
            "errors": [{"id": name, "message": message} for name, message in errors.items()],
            "grid_url": grid_url,
            "previous_year": year - 1 if year - 1 in years else None,
            "next_year": year + 1 if year + 1 in years else None,
            "ceiling": settings.MAX_HOURS_PER_MONTH,
        }
    )
    return render(request, "insertion/hours_grid.html", context)


def _post_cells(request, cells, *, missions, months, with_names, grid_url, row_totals=True):
    """Check every posted cell (mission, month, value, name), then save them all or none.
    Returns (response, posted values, errors): the response once saved (the cells and the
    totals of ``missions`` over ``months`` with htmx, else a redirect to the page) or for
    invalid cells with htmx; else None, for the page to show the errors."""
    posted, errors, entries = {}, {}, []
    for mission, month, value, name in cells:
        posted[name] = value
        try:
            services.check_hours(mission=mission, month=month, hours=value or 0)
        except DomainError as error:
            errors[name] = error.message
        else:
            entries.append((mission, month, value))
    if errors:
        response = None
        if request.htmx:
            response = _invalid_cells_response(
                request, cells, errors, with_names=with_names, grid_url=grid_url
            )
        return response, posted, errors
    changed = services.declare_hours(actor=request.user, entries=entries)
    if request.htmx:
        response = _saved_cells_response(
            request,
            cells,
            missions,
            months,
            with_names=with_names,
            changed=changed,
            grid_url=grid_url,
            row_totals=row_totals,
        )
        return response, posted, errors
    if changed:
        messages.success(
            request,
            f"{changed} déclaration{'s' if changed > 1 else ''} d'heures "
            f"enregistrée{'s' if changed > 1 else ''}.",
        )
    else:
        messages.info(request, "Aucune modification à enregistrer.")
    return redirect(grid_url), posted, errors


def _invalid_cells_response(request, cells, errors, *, with_names, grid_url):
    """The posted cells with their errors, nothing saved."""
    return render(
        request,
        "insertion/_hours_cells.html",
        {
            "cells": [
                _cell(
                    mission,
                    month,
                    who=_who(mission, with_names=with_names),
                    value=value,
                    error=errors.get(name, ""),
                )
                for mission, month, value, name in cells
            ],
            "grid_url": grid_url,
            "can_write": True,
            "live": True,
            "row_totals": [],
            "column_totals": [],
            "grand_total": "",
            "status": "Non enregistré : " + " ".join(errors.values()),
        },
    )


def _row_totals(mission_ids, months):
    """Hours of each mission over ``months`` (one query)."""
    totals = dict.fromkeys(mission_ids, ZERO)
    rows = (
        HoursDeclaration.objects.filter(
            mission_id__in=mission_ids, month__gte=months[0], month__lte=months[-1]
        )
        .order_by()
        .values_list("mission_id")
        .annotate(total=Sum("hours"))
    )
    totals.update(rows)
    return totals


def _saved_cells_response(
    request, cells, missions, months, *, with_names, changed, grid_url, row_totals=True
):
    """The saved cells, with the row (unless ``row_totals`` is false: a page of one month),
    column and year totals swapped out of band."""
    mission_ids = {mission.pk for mission, _, _, _ in cells}
    totals_by_row = _row_totals(mission_ids, months) if row_totals else {}
    totals = _grid_totals(missions, months)
    shown = []
    for mission, month, value, _name in cells:
        hours = services.parse_hours(value or 0)
        shown.append(
            _cell(
                mission,
                month,
                who=_who(mission, with_names=with_names),
                value=format_hours(hours, grouping=False) if hours else "",
            )
        )
    if len(cells) == 1:
        mission, month, value, _name = cells[0]
        hours = services.parse_hours(value or 0)
        cell = f"{_who(mission, with_names=with_names)}, {services.month_label(month)}"
        status = (
            f"{cell} : {format_hours(hours)} h enregistrée{'s' if hours > 1 else ''}."
            if changed
            else f"{cell} : aucune modification."
        )
    else:
        status = f"{changed} déclaration(s) enregistrée(s)."
    return render(
        request,
        "insertion/_hours_cells.html",
        {
            "cells": shown,
            "grid_url": grid_url,
            "can_write": True,
            "live": True,
            "row_totals": [
                {"id": f"total-m{pk}", "value": format_hours(total)}
                for pk, total in totals_by_row.items()
            ],
            "column_totals": _total_cells(totals, months),
            "grand_total": format_hours(sum(totals.values(), ZERO)) if row_totals else "",
            "status": status,
        },
    )


# --- One month, every contract ------------------------------------------------------------

MONTH_CHOICES = 12  # the months offered: this one and the eleven before


def hours_month(request):
    """One month's hours of every mission the user enters, whatever the contract: the page of
    the monthly round of timesheets (a company's, with its filter). Saved cell by cell with
    htmx, or as a whole form without JavaScript."""
    user = request.user
    organisations = perms.tracking_organisations(user)
    if not organisations:
        raise Http404
    today = _today()
    current = today.replace(day=1)
    months = [add_months(current, -n) for n in range(MONTH_CHOICES)]
    entered_by = entry.missions_entered_by(organisations)
    data = {
        "mois": request.GET.get("mois") or entry.month_to_enter(today).isoformat(),
        "entreprise": request.GET.get("entreprise", ""),
        "sans_heures": request.GET.get("sans_heures", ""),
    }

    # The companies offered are those with a mission running in the month asked for.
    asked = _month_or_none(data["mois"])
    running = entered_by.running_in_month(asked) if asked in months else Mission.objects.none()
    companies = Company.objects.filter(pk__in=running.values("company")).order_by("name")
    form = HoursMonthForm(data=data, months=months, companies=companies)
    if not form.is_valid() and set(form.errors) == {"entreprise"}:
        # A company chosen for another month, without mission in this one: every company.
        data["entreprise"] = ""
        form = HoursMonthForm(data=data, months=months, companies=companies)
    context = {
        "title": "Heures du mois",
        "form": form,
        "rows": None,
        "heading": "",
        "month_total": None,
        "grid_url": request.get_full_path(),
        "errors": [],
        "ceiling": settings.MAX_HOURS_PER_MONTH,
    }
    if not form.is_valid():
        return render(request, "insertion/hours_month.html", context)
    month = form.cleaned_data["mois"]  # == asked
    # The selection's missions; those shown may leave out the ones with hours, but a cell
    # saved there stays editable, and the month's total counts them all.
    selection = running
    if form.cleaned_data["entreprise"]:
        selection = selection.filter(company=form.cleaned_data["entreprise"])
    missions = selection
    if form.cleaned_data["sans_heures"]:
        missions = missions.exclude(hours__month=month)
    missions = missions.select_related("participant", "company", "lot__contract").order_by(
        "company__name", "participant__identifier", "start_date", "pk"
    )
    grid_url = context["grid_url"]
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        return _month_sheet_response(request, missions, month, form.cleaned_data["entreprise"])

    posted, errors = {}, {}
    if request.method == "POST":
        ids = {int(m[1]) for m in map(CELL_NAME.match, request.POST) if m}
        by_pk = {m.pk: m for m in selection.select_related("participant").filter(pk__in=ids)}
        response, posted, errors = _post_cells(
            request,
            [c for c in _parse_cells(request.POST, by_pk, month.year) if c[1] == month],
            missions=selection,
            months=[month],
            with_names=True,
            grid_url=grid_url,
            row_totals=False,
        )
        if response is not None:
            return response

    page = _page(request, missions, GRID_ROWS_PER_PAGE)
    previous = add_months(month, -1)
    declared = {
        (d.mission_id, d.month): d.hours
        for d in HoursDeclaration.objects.filter(
            mission_id__in=[m.pk for m in page], month__in=[previous, month]
        )
    }
    rows = []
    for mission in page:
        hours = declared.get((mission.pk, month))
        name = _cell_name(mission, month)
        value = posted.get(name, format_hours(hours, grouping=False) if hours else "")
        before = declared.get((mission.pk, previous))
        rows.append(
            {
                "mission": mission,
                "label": participant_label(mission.participant),
                "cell": _cell(
                    mission,
                    month,
                    who=mission.participant.identifier,
                    value=value,
                    error=errors.get(name, ""),
                ),
                "previous": format_hours(before) if before else "",
            }
        )
    if not errors:
        _focus_first_empty(row["cell"] for row in rows)
    totals = _grid_totals(selection, [month])
    context.update(
        {
            "title": f"Heures du mois — {services.month_label(month)}",
            "heading": entry.heading(month),
            "month": month,
            "previous_label": services.month_label(previous),
            "rows": rows,
            "page_obj": page,
            "month_total": _total_cells(totals, [month])[0],
            "errors": [{"id": name, "message": message} for name, message in errors.items()],
        }
    )
    return render(request, "insertion/hours_month.html", context)


def _month_sheet_response(request, missions, month, company):
    """The month's sheet to fill (XLSX, import format), its download logged: it names the
    participants."""
    content = exporting.month_sheet(missions, month)
    stem = f"heures-{month:%Y-%m}" + (f"-{slugify(company.name)}" if company else "")
    audit.log(
        actor=request.user,
        action="insertion.month_sheet_exported",
        object_repr=f"Relevé d'heures {services.of_month(month)}"
        + (f" — {company.name}" if company else ""),
        changes={"mois": month.isoformat(), "entreprise": company.pk if company else None},
    )
    response = HttpResponse(content, content_type=exporting.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response


def _month_or_none(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None
