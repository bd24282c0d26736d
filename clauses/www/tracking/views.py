"""The procurement side of the workspace: dashboard, contracts, buyers, operations, companies.

Reads start from the querysets' ``for_user`` (an object out of scope answers 404, as an
unknown one does); writes are for the facilitators of the owning organisation
(``perms.can_edit``) and go through ``clauses.procurement.services``. Figures come from
``clauses.observatory.progress``, one subquery per figure, so lists cost the same number
of queries whatever their length.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib import messages
from django.db.models import Count, ExpressionWrapper, F, FloatField, Prefetch, Q, Sum
from django.db.models.functions import NullIf
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from clauses.core.exceptions import DomainError
from clauses.insertion import entry
from clauses.insertion.enums import OutcomeMoment
from clauses.insertion.models import HoursDeclaration, Mission
from clauses.insertion.services import month_label
from clauses.observatory import progress
from clauses.observatory.figures import Scope
from clauses.procurement import perms, services
from clauses.procurement.enums import CompanyKind
from clauses.procurement.models import Buyer, Company, Contract, LotCompany, Operation
from clauses.www.workspace.views import _page

from .access import tracking_organisation_or_404
from .forms import (
    SIAE_CHOICE,
    BuyerFilterForm,
    BuyerForm,
    CompanyFilterForm,
    CompanyForm,
    ContractFilterForm,
    ContractForm,
    LotCompanyForm,
    LotForm,
    OperationFilterForm,
    OperationForm,
)

PER_PAGE = 50
DASHBOARD_ROWS = 10
ENDING_SOON_DAYS = 30


def _today():
    return datetime.date.today()


def _form_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _writable(request, obj):
    """404 unless the user is a facilitator of the organisation owning ``obj``."""
    if not perms.can_edit(request.user, obj.organisation_id):
        raise Http404
    return obj


def _ratio(done, required):
    return ExpressionWrapper(F(done) * 1.0 / NullIf(F(required), 0), output_field=FloatField())


def _percent_label(share):
    """0.075 -> « 7,5 » (a share shown as a percentage, without trailing zeros)."""
    if share is None:
        return None
    return formats.number_format((share * 100).normalize())


def _sorting(request, columns, default):
    """The ``order_by`` arguments for the ``tri`` parameter, and each sortable column's
    header (its link reverses the order when it is the current one).

    ``columns`` maps a key to (label, [fields or expressions]).
    """
    requested = request.GET.get("tri") or default
    key = requested.lstrip("-")
    if key not in columns:
        requested, key = default, default.lstrip("-")
    descending = requested.startswith("-")
    order = []
    for field in columns[key][1]:
        expression = F(field) if isinstance(field, str) else field
        order.append(
            expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        )
    order.append("pk")
    headers = {}
    for name, (label, _fields) in columns.items():
        params = request.GET.copy()
        params.pop("page", None)
        current = name == key
        params["tri"] = f"-{name}" if current and not descending else name
        headers[name] = {
            "label": label,
            "url": f"?{params.urlencode()}",
            "aria_sort": ("descending" if descending else "ascending") if current else "",
            "next": "décroissant" if current and not descending else "croissant",
        }
    return order, headers


def _with_progress(objects, today):
    for obj in objects:
        obj.progress = progress.contract_progress(obj, today)
    return objects


# Dashboard.


def dashboard(request):
    user = request.user
    if user.is_national_admin and not perms.tracking_organisations(user):
        # Nobody's to-do list summed over the country: the national figures instead.
        return redirect("observatory:dashboard")
    today = _today()
    year = today.year
    contracts = Contract.objects.for_user(user)

    declared = HoursDeclaration.objects.for_user(user).filter(month__year=year)
    this_year = declared.aggregate(
        hours=Sum("hours"), participants=Count("mission__participant", distinct=True)
    )
    hours_this_year = this_year["hours"] or 0

    # Commitments are those of the contracts running this year; "behind" is the contract
    # list's filter (any contract, an ended one short of its hours included), so that the
    # figure and the list it links to agree.
    totals = progress.totals_by_contract(contracts)
    rows = list(
        progress.with_running(contracts, year)
        .order_by("notification_date", "pk")
        .values_list(
            "pk",
            "notification_date",
            "duration_months",
            "is_running",
            "reference",
            "object",
            "buyer__name",
        )
    )
    done, required = totals
    running = [row[0] for row in rows if row[3]]
    committed = sum((required.get(pk, 0) for pk in running), progress.ZERO)
    done_on_running = sum((done.get(pk, 0) for pk in running), progress.ZERO)
    behind = []
    for (pk, _, _, _, reference, obj, buyer_name), state in progress.behind_among(
        rows, totals, today
    ):
        behind.append(
            {
                "pk": pk,
                "reference": reference,
                "object": obj,
                "buyer_name": buyer_name,
                "progress": state,
            }
        )
    behind.sort(key=lambda row: row["progress"].gap, reverse=True)

    missions = Mission.objects.for_user(user).select_related(
        "participant", "company", "lot__contract"
    )
    ending = missions.filter(
        end_date__gte=today, end_date__lte=today + datetime.timedelta(days=ENDING_SOON_DAYS)
    ).order_by("end_date", "pk")
    six_months_ago = today - relativedelta(months=6)
    outcomes_due = (
        missions.filter(
            end_date__gte=six_months_ago - relativedelta(months=1),
            end_date__lte=six_months_ago + relativedelta(months=1),
        )
        .exclude(outcomes__moment=OutcomeMoment.SIX_MONTHS)
        .order_by("end_date", "pk")
    )
    ending_rows = _mission_rows(user, ending[:DASHBOARD_ROWS])
    outcome_rows = _mission_rows(user, outcomes_due[:DASHBOARD_ROWS])
    writer_orgs = perms.tracking_organisations(user)
    can_track = bool(writer_orgs)  # perms.can_track
    # Last month's missions without hours, for those who enter them (none, no tile).
    to_enter = None
    if writer_orgs:
        month = entry.month_to_enter(today)
        missions_count, entered = entry.month_totals(entry.missions_entered_by(writer_orgs), month)
        if missions_count:
            to_enter = {
                "month": month_label(month),
                "missions": missions_count,
                "missing": missions_count - entered,
            }
    return render(
        request,
        "tracking/dashboard.html",
        {
            "title": "Tableau de bord",
            "year": year,
            "today": today,
            "can_track": can_track,
            "hours_this_year": hours_this_year,
            "etp_this_year": hours_this_year / settings.HOURS_PER_ETP,
            "hours_per_etp": settings.HOURS_PER_ETP,
            "participants_this_year": this_year["participants"],
            "running_count": len(running),
            "running": progress.Progress(done=done_on_running, required=committed),
            "behind_count": len(behind),
            "behind": behind[:DASHBOARD_ROWS],
            "tolerance_percent": int(progress.BEHIND_TOLERANCE * 100),
            "ending_count": ending.count(),
            "ending": ending_rows,
            "ending_days": ENDING_SOON_DAYS,
            "outcomes_due_count": outcomes_due.count(),
            "outcomes_due": outcome_rows,
            "show_participants": can_track,
            "to_enter": to_enter,
        },
    )


def _mission_rows(user, missions):
    """Missions for a table, with the participant named only for their organisation."""
    rows = []
    for mission in missions:
        contract = mission.lot.contract
        participant = None
        if perms.can_read_participants(user, contract.organisation_id):
            person = mission.participant
            name = f"{person.first_name} {person.last_name}".strip()
            participant = f"{person.identifier} — {name}" if name else person.identifier
        rows.append(
            {
                "mission": mission,
                "contract": contract,
                "participant": participant,
                "can_edit": perms.can_edit(user, contract.organisation_id),
            }
        )
    return rows


# Contracts.

CONTRACT_COLUMNS = {
    "reference": ("Référence", ["reference"]),
    "object": ("Objet", ["object"]),
    "buyer": ("Acheteur", ["buyer__name"]),
    "kind": ("Nature", ["kind"]),
    "amount": ("Montant HT", ["amount_excl_tax"]),
    "notification": ("Notification", ["notification_date"]),
    "progress": ("Heures réalisées / exigées", ["progress_ratio", "hours_done"]),
}


def contract_list(request):
    user = request.user
    today = _today()
    form = ContractFilterForm(request.GET or None, user=user)
    contracts = Contract.objects.for_user(user).select_related(
        "buyer", "operation", "organisation__departement__region", "organisation__region"
    )
    behind_only = False
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            contracts = contracts.filter(
                Q(reference__icontains=q) | Q(object__icontains=q) | Q(buyer__name__icontains=q)
            )
        if data["buyer"]:
            contracts = contracts.filter(buyer=data["buyer"])
        if data["kind"]:
            contracts = contracts.filter(kind=data["kind"])
        if data["operation"]:
            contracts = contracts.filter(operation=data["operation"])
        if data["year"]:
            contracts = contracts.filter(notification_date__year=data["year"])
        behind_only = data["behind"]
        if data.get("organisation"):
            contracts = contracts.filter(organisation=data["organisation"])
        if data.get("region"):
            contracts = contracts.filter(Scope.region(data["region"]).contracts_q())
    contracts = progress.with_contract_progress(contracts).annotate(
        progress_ratio=_ratio("hours_done", "hours_required")
    )
    order, sort = _sorting(request, CONTRACT_COLUMNS, "-notification")
    contracts = contracts.order_by(*order)
    if behind_only:
        # The pro-rata needs date arithmetic: one query for every candidate's figures,
        # then the page's contracts only.
        page = _page(request, list(progress.behind_contract_ids(contracts, today)), PER_PAGE)
        found = {c.pk: c for c in contracts.filter(pk__in=page.object_list)}
        page.object_list = [found[pk] for pk in page.object_list if pk in found]
    else:
        page = _page(request, contracts, PER_PAGE)
    _with_progress(page.object_list, today)
    return render(
        request,
        "tracking/contract_list.html",
        {
            "title": "Marchés",
            "form": form,
            "page_obj": page,
            "sort": sort,
            "can_create": perms.can_track(user),
            "filtered": bool(request.GET.get("q") or form.has_changed()),
            "show_structure": perms.reads_other_organisations(user),
        },
    )


def _contract_or_404(request, pk):
    contracts = progress.with_contract_progress(
        Contract.objects.for_user(request.user).select_related("buyer", "operation", "organisation")
    )
    return get_object_or_404(contracts, pk=pk)


def contract_detail(request, pk):
    user = request.user
    today = _today()
    contract = _contract_or_404(request, pk)
    contract.progress = progress.contract_progress(contract, today)
    links = LotCompany.objects.select_related("company").order_by("role", "company__name", "pk")
    lots = list(
        progress.with_lot_progress(contract.lots.select_related("clause"))
        .prefetch_related(Prefetch("lot_companies", queryset=links))
        .order_by("number", "pk")
    )
    per_company = {
        (row["mission__lot"], row["mission__company"]): row["total"]
        for row in HoursDeclaration.objects.filter(mission__lot__contract=contract)
        .values("mission__lot", "mission__company")
        .annotate(total=Sum("hours"))
        .order_by()
    }
    missions_per_company = {
        (row["lot"], row["company"]): row["total"]
        for row in Mission.objects.filter(lot__contract=contract)
        .values("lot", "company")
        .annotate(total=Count("pk"))
        .order_by()
    }
    mission_companies = Company.objects.in_bulk(
        {company_id for _lot, company_id in missions_per_company}
    )
    for lot in lots:
        lot.label = str(lot)
        lot.the_clause = getattr(lot, "clause", None)
        if lot.the_clause:
            lot.the_clause.labour_share_percent = _percent_label(lot.the_clause.labour_share)
            lot.the_clause.insertion_rate_percent = _percent_label(lot.the_clause.insertion_rate)
        required = lot.the_clause.required_hours if lot.the_clause else 0
        lot.progress = progress.progress(
            lot.hours_done,
            required,
            notification_date=contract.notification_date,
            duration_months=contract.duration_months,
            today=today,
        )
        anru_target = lot.the_clause.anru_target_hours if lot.the_clause else None
        lot.anru = progress.Progress(lot.hours_done_qpv, anru_target) if anru_target else None
        links = list(lot.lot_companies.all())
        attached = {link.company_id for link in links}
        # Companies whose missions are on the lot without being attached to it (an ETTI
        # placing workers, say) are listed too: every hour of the lot has its company.
        unattached = sorted(
            (
                mission_companies[company_id]
                for lot_id, company_id in missions_per_company
                if lot_id == lot.pk and company_id not in attached
            ),
            key=lambda company: company.name,
        )
        lot.companies = [
            {
                "link": link,
                "company": company,
                "hours": per_company.get((lot.pk, company.pk), 0),
                "missions": missions_per_company.get((lot.pk, company.pk), 0),
            }
            for link, company in [(link, link.company) for link in links]
            + [(None, company) for company in unattached]
        ]
    monthly = list(
        HoursDeclaration.objects.filter(mission__lot__contract=contract)
        .values("month")
        .annotate(total=Sum("hours"), participants=Count("mission__participant", distinct=True))
        .order_by("-month")[:12]
    )
    # Operations and companies have their own pages for those who read the facilitator's
    # figures, not for a buyer's readers: link only to the pages the user may open.
    operation_visible = bool(
        contract.operation_id
        and Operation.objects.for_user(user).filter(pk=contract.operation_id).exists()
    )
    visible_companies = set(
        Company.objects.for_user(user)
        .filter(Q(lot_companies__lot__contract=contract) | Q(pk__in=list(mission_companies)))
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "tracking/contract_detail.html",
        {
            "title": f"Marché {contract.reference}",
            "contract": contract,
            "operation_visible": operation_visible,
            "visible_companies": visible_companies,
            "lots": lots,
            "monthly": monthly,
            "missions_count": sum(lot.missions_count for lot in lots),
            "can_edit": perms.can_edit(user, contract.organisation_id),
            # Coordinators and national administrators read the monthly grid, not buyers.
            "can_read_hours": perms.reads_other_organisations(user),
            "tolerance_percent": int(progress.BEHIND_TOLERANCE * 100),
        },
    )


@require_http_methods(["GET", "POST"])
def contract_create(request):
    organisation = tracking_organisation_or_404(request)
    form = ContractForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.save_contract(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                f"Le marché {contract.reference} est créé. Ajoutez maintenant ses lots et "
                "leur clause sociale.",
            )
            return redirect("tracking:contract_detail", pk=contract.pk)
    return render(
        request,
        "tracking/form.html",
        {
            "title": "Nouveau marché",
            "form": form,
            "back_url": reverse("tracking:contract_list"),
            "back_label": "Tous les marchés",
            "submit_label": "Créer le marché",
        },
    )


@require_http_methods(["GET", "POST"])
def contract_edit(request, pk):
    contract = _writable(request, _contract_or_404(request, pk))
    organisation = contract.organisation
    if request.method == "POST":
        form = ContractForm(request.POST, organisation=organisation)
        if form.is_valid():
            try:
                services.save_contract(
                    actor=request.user,
                    organisation=organisation,
                    contract=contract,
                    **form.cleaned_data,
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, "Les modifications du marché sont enregistrées.")
                return redirect("tracking:contract_detail", pk=contract.pk)
    else:
        form = ContractForm(initial=ContractForm.initial_for(contract), organisation=organisation)
    return render(
        request,
        "tracking/form.html",
        {
            "title": f"Modifier le marché {contract.reference}",
            "form": form,
            "back_url": reverse("tracking:contract_detail", args=[contract.pk]),
            "back_label": "Retour au marché",
            "submit_label": "Enregistrer",
        },
    )


@require_http_methods(["GET", "POST"])
def contract_delete(request, pk):
    contract = _writable(request, _contract_or_404(request, pk))
    if request.method == "POST":
        reference = contract.reference
        try:
            services.delete_contract(actor=request.user, contract=contract)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("tracking:contract_detail", pk=contract.pk)
        messages.success(request, f"Le marché {reference} est supprimé.")
        return redirect("tracking:contract_list")
    return render(
        request,
        "tracking/contract_delete.html",
        {
            "title": f"Supprimer le marché {contract.reference}",
            "contract": contract,
            "lots_count": contract.lots.count(),
            "missions_count": Mission.objects.filter(lot__contract=contract).count(),
        },
    )


# Lots and their clause.


def _writable_contract(request, pk):
    return _writable(
        request,
        get_object_or_404(
            Contract.objects.for_user(request.user).select_related("organisation"), pk=pk
        ),
    )


def _lot_or_404(contract, lot_pk):
    return get_object_or_404(contract.lots.select_related("clause"), pk=lot_pk)


def _lot_form_page(request, contract, form, lot):
    return render(
        request,
        "tracking/lot_form.html",
        {
            "title": f"Modifier le {lot}" if lot else "Nouveau lot",
            "contract": contract,
            "lot": lot,
            "form": form,
        },
    )


def _save_lot(request, contract, form, lot=None):
    lot_values, clause = form.service_arguments()
    try:
        lot = services.save_lot(
            actor=request.user, contract=contract, lot=lot, clause=clause, **lot_values
        )
    except DomainError as error:
        _form_error(form, error)
        return None
    return lot


@require_http_methods(["GET", "POST"])
def lot_create(request, pk):
    contract = _writable_contract(request, pk)
    form = LotForm(request.POST or None, initial={} if contract.lots.exists() else {"number": "1"})
    if request.method == "POST" and form.is_valid():
        lot = _save_lot(request, contract, form)
        if lot is not None:
            messages.success(request, f"Le {lot} et sa clause sociale sont enregistrés.")
            return redirect(
                f"{reverse('tracking:contract_detail', args=[contract.pk])}#lot-{lot.pk}"
            )
    return _lot_form_page(request, contract, form, None)


@require_http_methods(["GET", "POST"])
def lot_edit(request, pk, lot_pk):
    contract = _writable_contract(request, pk)
    lot = _lot_or_404(contract, lot_pk)
    if request.method == "POST":
        form = LotForm(request.POST)
        if form.is_valid() and _save_lot(request, contract, form, lot) is not None:
            messages.success(request, f"Le {lot} et sa clause sociale sont enregistrés.")
            return redirect(
                f"{reverse('tracking:contract_detail', args=[contract.pk])}#lot-{lot.pk}"
            )
    else:
        form = LotForm(initial=LotForm.initial_for(lot))
    return _lot_form_page(request, contract, form, lot)


@require_http_methods(["GET", "POST"])
def lot_company_add(request, pk, lot_pk):
    contract = _writable_contract(request, pk)
    lot = _lot_or_404(contract, lot_pk)
    form = LotCompanyForm(
        request.POST or None,
        organisation=contract.organisation,
        initial={"company": request.GET.get("entreprise")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            link = services.set_lot_company(actor=request.user, lot=lot, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, f"{link.company} est rattachée au {lot} ({link.get_role_display()})."
            )
            return redirect(
                f"{reverse('tracking:contract_detail', args=[contract.pk])}#lot-{lot.pk}"
            )
    return render(
        request,
        "tracking/lot_company_form.html",
        {
            "title": f"Ajouter une entreprise au {lot}",
            "contract": contract,
            "lot": lot,
            "form": form,
            "has_companies": Company.objects.for_organisation(contract.organisation).exists(),
        },
    )


@require_POST
def lot_company_remove(request, pk, lot_pk, link_pk):
    contract = _writable_contract(request, pk)
    lot = _lot_or_404(contract, lot_pk)
    link = get_object_or_404(lot.lot_companies.select_related("company", "lot"), pk=link_pk)
    try:
        services.remove_lot_company(actor=request.user, link=link)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{link.company} est retirée du {lot}.")
    return redirect(f"{reverse('tracking:contract_detail', args=[contract.pk])}#lot-{lot.pk}")


# Buyers.

BUYER_COLUMNS = {
    "name": ("Acheteur", ["name"]),
    "kind": ("Type", ["kind"]),
    "contracts": ("Marchés", ["contracts_count"]),
    "progress": ("Heures réalisées / exigées", ["progress_ratio", "hours_done"]),
}


def buyer_list(request):
    form = BuyerFilterForm(request.GET or None)
    buyers = Buyer.objects.for_user(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            buyers = buyers.filter(Q(name__icontains=q) | Q(siret__contains=q.replace(" ", "")))
        if data["kind"]:
            buyers = buyers.filter(kind=data["kind"])
    buyers = progress.with_buyer_progress(buyers).annotate(
        progress_ratio=_ratio("hours_done", "hours_required")
    )
    order, sort = _sorting(request, BUYER_COLUMNS, "name")
    page = _page(request, buyers.order_by(*order), PER_PAGE)
    for buyer in page.object_list:
        buyer.progress = progress.Progress(buyer.hours_done, buyer.hours_required)
    return render(
        request,
        "tracking/buyer_list.html",
        {
            "title": "Acheteurs",
            "form": form,
            "page_obj": page,
            "sort": sort,
            "can_create": perms.can_track(request.user),
            "filtered": form.has_changed(),
        },
    )


def _buyer_or_404(request, pk):
    buyers = progress.with_buyer_progress(
        Buyer.objects.for_user(request.user).select_related("departement", "account")
    )
    return get_object_or_404(buyers, pk=pk)


def buyer_detail(request, pk):
    user = request.user
    today = _today()
    buyer = _buyer_or_404(request, pk)
    buyer.progress = progress.Progress(buyer.hours_done, buyer.hours_required)
    contracts = progress.with_contract_progress(
        Contract.objects.for_user(user).filter(buyer=buyer).select_related("operation")
    ).order_by(F("notification_date").desc(nulls_last=True), "reference", "pk")
    page = _page(request, contracts, PER_PAGE)
    _with_progress(page.object_list, today)
    operations = Operation.objects.for_user(user).filter(buyer=buyer).order_by("name", "pk")
    return render(
        request,
        "tracking/buyer_detail.html",
        {
            "title": buyer.name,
            "buyer": buyer,
            "page_obj": page,
            "operations": operations,
            "can_edit": perms.can_edit(user, buyer.organisation_id),
        },
    )


def _buyer_form_page(request, form, buyer):
    return render(
        request,
        "tracking/form.html",
        {
            "title": f"Modifier {buyer.name}" if buyer else "Nouvel acheteur",
            "form": form,
            "back_url": reverse("tracking:buyer_detail", args=[buyer.pk])
            if buyer
            else reverse("tracking:buyer_list"),
            "back_label": "Retour à l'acheteur" if buyer else "Tous les acheteurs",
            "submit_label": "Enregistrer" if buyer else "Créer l'acheteur",
        },
    )


@require_http_methods(["GET", "POST"])
def buyer_create(request):
    organisation = tracking_organisation_or_404(request)
    form = BuyerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            buyer = services.save_buyer(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"L'acheteur {buyer.name} est créé.")
            return redirect("tracking:buyer_detail", pk=buyer.pk)
    return _buyer_form_page(request, form, None)


@require_http_methods(["GET", "POST"])
def buyer_edit(request, pk):
    buyer = _writable(request, _buyer_or_404(request, pk))
    if request.method == "POST":
        form = BuyerForm(request.POST)
        if form.is_valid():
            try:
                services.save_buyer(
                    actor=request.user,
                    organisation=buyer.organisation,
                    buyer=buyer,
                    **form.cleaned_data,
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, "Les modifications de l'acheteur sont enregistrées.")
                return redirect("tracking:buyer_detail", pk=buyer.pk)
    else:
        form = BuyerForm(initial=BuyerForm.initial_for(buyer))
    return _buyer_form_page(request, form, buyer)


# Operations.

OPERATION_COLUMNS = {
    "name": ("Opération", ["name"]),
    "buyer": ("Maître d'ouvrage", ["buyer__name"]),
    "contracts": ("Marchés", ["contracts_count"]),
    "progress": ("Heures réalisées / exigées", ["progress_ratio", "hours_done"]),
    "anru": ("Heures d'habitants des QPV / objectif ANRU", ["anru_ratio", "hours_done_qpv"]),
}


def operation_list(request):
    form = OperationFilterForm(request.GET or None)
    operations = Operation.objects.for_user(request.user).select_related("buyer", "qpv")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            operations = operations.filter(Q(name__icontains=q) | Q(buyer__name__icontains=q))
        if data["npnru"]:
            operations = operations.filter(is_npnru=data["npnru"] == "oui")
    operations = progress.with_operation_progress(operations).annotate(
        progress_ratio=_ratio("hours_done", "hours_required"),
        anru_ratio=_ratio("hours_done_qpv", "anru_target_hours"),
    )
    order, sort = _sorting(request, OPERATION_COLUMNS, "name")
    page = _page(request, operations.order_by(*order), PER_PAGE)
    for operation in page.object_list:
        _operation_figures(operation)
    return render(
        request,
        "tracking/operation_list.html",
        {
            "title": "Opérations",
            "form": form,
            "page_obj": page,
            "sort": sort,
            "can_create": perms.can_track(request.user),
            "filtered": form.has_changed(),
        },
    )


def _operation_figures(operation):
    operation.progress = progress.Progress(operation.hours_done, operation.hours_required)
    operation.anru = (
        progress.Progress(operation.hours_done_qpv, operation.anru_target_hours)
        if operation.anru_target_hours
        else None
    )
    return operation


def _operation_or_404(request, pk):
    operations = progress.with_operation_progress(
        Operation.objects.for_user(request.user).select_related("buyer", "qpv")
    )
    return get_object_or_404(operations, pk=pk)


def operation_detail(request, pk):
    user = request.user
    operation = _operation_figures(_operation_or_404(request, pk))
    contracts = progress.with_contract_progress(
        Contract.objects.for_user(user).filter(operation=operation).select_related("buyer")
    ).order_by(F("notification_date").desc(nulls_last=True), "reference", "pk")
    page = _page(request, contracts, PER_PAGE)
    _with_progress(page.object_list, _today())
    return render(
        request,
        "tracking/operation_detail.html",
        {
            "title": operation.name,
            "operation": operation,
            "anru_rate_percent": _percent_label(operation.anru_target_rate),
            "page_obj": page,
            "can_edit": perms.can_edit(user, operation.organisation_id),
        },
    )


def _operation_form_page(request, form, operation):
    return render(
        request,
        "tracking/form.html",
        {
            "title": f"Modifier {operation.name}" if operation else "Nouvelle opération",
            "form": form,
            "back_url": reverse("tracking:operation_detail", args=[operation.pk])
            if operation
            else reverse("tracking:operation_list"),
            "back_label": "Retour à l'opération" if operation else "Toutes les opérations",
            "submit_label": "Enregistrer" if operation else "Créer l'opération",
        },
    )


@require_http_methods(["GET", "POST"])
def operation_create(request):
    organisation = tracking_organisation_or_404(request)
    form = OperationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            operation = services.save_operation(
                actor=request.user, organisation=organisation, **form.service_values()
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"L'opération {operation.name} est créée.")
            return redirect("tracking:operation_detail", pk=operation.pk)
    return _operation_form_page(request, form, None)


@require_http_methods(["GET", "POST"])
def operation_edit(request, pk):
    operation = _writable(request, _operation_or_404(request, pk))
    organisation = operation.organisation
    if request.method == "POST":
        form = OperationForm(request.POST, organisation=organisation)
        if form.is_valid():
            try:
                services.save_operation(
                    actor=request.user,
                    organisation=organisation,
                    operation=operation,
                    **form.service_values(),
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, "Les modifications de l'opération sont enregistrées.")
                return redirect("tracking:operation_detail", pk=operation.pk)
    else:
        form = OperationForm(
            initial=OperationForm.initial_for(operation), organisation=organisation
        )
    return _operation_form_page(request, form, operation)


# Companies.

COMPANY_COLUMNS = {
    "name": ("Entreprise", ["name"]),
    "kind": ("Type", ["kind"]),
    "lots": ("Lots", ["lots_count"]),
    "missions": ("Missions", ["missions_count"]),
    "hours": ("Heures réalisées", ["hours_done"]),
}


def company_list(request):
    form = CompanyFilterForm(request.GET or None)
    companies = Company.objects.for_user(request.user).select_related("commune")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            companies = companies.filter(
                Q(name__icontains=q) | Q(siret__contains=q.replace(" ", ""))
            )
        if data["kind"] == SIAE_CHOICE:
            companies = companies.filter(kind__in=CompanyKind.siae())
        elif data["kind"]:
            companies = companies.filter(kind=data["kind"])
    order, sort = _sorting(request, COMPANY_COLUMNS, "name")
    companies = progress.with_company_progress(companies).order_by(*order)
    return render(
        request,
        "tracking/company_list.html",
        {
            "title": "Entreprises",
            "form": form,
            "page_obj": _page(request, companies, PER_PAGE),
            "sort": sort,
            "can_create": perms.can_track(request.user),
            "filtered": form.has_changed(),
        },
    )


def _company_or_404(request, pk):
    companies = progress.with_company_progress(
        Company.objects.for_user(request.user).select_related("commune")
    )
    return get_object_or_404(companies, pk=pk)


def company_detail(request, pk):
    user = request.user
    company = _company_or_404(request, pk)
    links = list(
        company.lot_companies.select_related("lot__contract__buyer").order_by(
            F("lot__contract__notification_date").desc(nulls_last=True),
            "lot__contract__reference",
            "lot__number",
        )
    )
    hours = {
        row["mission__lot"]: row["total"]
        for row in HoursDeclaration.objects.filter(mission__company=company)
        .values("mission__lot")
        .annotate(total=Sum("hours"))
        .order_by()
    }
    missions = {
        row["lot"]: row["total"]
        for row in Mission.objects.filter(company=company)
        .values("lot")
        .annotate(total=Count("pk"))
        .order_by()
    }
    for link in links:
        link.hours = hours.get(link.lot_id, 0)
        link.missions = missions.get(link.lot_id, 0)
    return render(
        request,
        "tracking/company_detail.html",
        {
            "title": company.name,
            "company": company,
            "links": links,
            "can_edit": perms.can_edit(user, company.organisation_id),
        },
    )


def _company_form_page(request, form, company, *, back_url=None):
    if company:
        back_url = reverse("tracking:company_detail", args=[company.pk])
    return render(
        request,
        "tracking/form.html",
        {
            "title": f"Modifier {company.name}" if company else "Nouvelle entreprise",
            "form": form,
            "back_url": back_url or reverse("tracking:company_list"),
            "back_label": "Retour à l'entreprise"
            if company
            else ("Retour au lot" if back_url else "Toutes les entreprises"),
            "submit_label": "Enregistrer" if company else "Créer l'entreprise",
        },
    )


def _next_url(request):
    """The page to return to (``suite``), when it is one of this site's."""
    next_url = request.GET.get("suite", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url.split("?")[0]
    return None


@require_http_methods(["GET", "POST"])
def company_create(request):
    organisation = tracking_organisation_or_404(request)
    # Created from a lot's « add a company » page: back there, the company chosen.
    next_url = _next_url(request)
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.save_company(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"L'entreprise {company.name} est créée.")
            if next_url:
                return redirect(f"{next_url}?entreprise={company.pk}")
            return redirect("tracking:company_detail", pk=company.pk)
    return _company_form_page(request, form, None, back_url=next_url)


@require_http_methods(["GET", "POST"])
def company_edit(request, pk):
    company = _writable(request, _company_or_404(request, pk))
    if request.method == "POST":
        form = CompanyForm(request.POST)
        if form.is_valid():
            try:
                services.save_company(
                    actor=request.user,
                    organisation=company.organisation,
                    company=company,
                    **form.cleaned_data,
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, "Les modifications de l'entreprise sont enregistrées.")
                return redirect("tracking:company_detail", pk=company.pk)
    else:
        form = CompanyForm(initial=CompanyForm.initial_for(company))
    return _company_form_page(request, form, company)
