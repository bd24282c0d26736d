"""Public tools: the clause calibration calculator, and the labour share table that national
administrators maintain."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from clauses.core.exceptions import DomainError
from clauses.procurement import calculator, services
from clauses.procurement.calculator import AnruScope
from clauses.procurement.enums import CalculationMethod
from clauses.procurement.models import LabourShare, Lot
from clauses.procurement.perms import current_organisation

from .forms import (
    APPLY_FIELDS,
    ApplyForm,
    CalculatorForm,
    LabourShareForm,
    number_text,
    percent_text,
    prefill,
)


def _applicable_lots(user):
    """The lots of the user's organisation that carry a clause (None: the user cannot apply)."""
    organisation = current_organisation(user)
    if organisation is None:
        return None
    return (
        Lot.objects.for_organisation(organisation)
        .filter(clause__isnull=False)
        .select_related("contract", "clause")
        .order_by("contract__reference", "number", "pk")
    )


def _context(request, form, *, lots, selected_lot=None, apply_form=None):
    if lots is not None and apply_form is None:
        apply_form = ApplyForm(lots=lots, initial={"lot": selected_lot})
    return {
        "title": "Calculer les heures d'insertion d'une clause",
        "form": form,
        "calculation": form.calculation if form.is_bound and form.is_valid() else None,
        "apply_form": apply_form,
        "carried": form.carried_values() if form.is_bound else [],
        "hours_per_etp": calculator.format_number(settings.HOURS_PER_ETP),
        "selected_lot": selected_lot,
        "has_lots": lots is not None and lots.exists(),
    }


def _render(request, form, *, lots, selected_lot=None, apply_form=None, status=200):
    context = _context(request, form, lots=lots, selected_lot=selected_lot, apply_form=apply_form)
    context["shares"] = _share_items()
    context["can_edit_shares"] = request.user.is_authenticated and request.user.is_national_admin
    return render(request, "tools/calculator.html", context, status=status)


@login_not_required
def calculator_view(request):
    """GET form (works without JavaScript); htmx requests get the result fragment only."""
    lots = _applicable_lots(request.user)
    selected_lot = None
    if lots is not None and request.GET.get("lot", "").isdigit():
        selected_lot = lots.filter(pk=request.GET["lot"]).first()
    initial = _initial(selected_lot)
    data, share_filled = None, False
    if any(name in request.GET for name in CalculatorForm.base_fields):
        data, share_filled = prefill(request.GET, list(LabourShare.objects.all()))
    elif selected_lot is not None and "amount" in initial:
        # Coming from a lot's page: its amount and clause give a first result at once.
        data = QueryDict(mutable=True)
        data.update(initial)
    form = CalculatorForm(data, initial=initial)
    if request.htmx:
        context = _context(request, form, lots=lots, selected_lot=selected_lot)
        context["share_filled"] = share_filled
        return render(request, "tools/_calculator_update.html", context)
    return _render(request, form, lots=lots, selected_lot=selected_lot)


def _initial(lot):
    """Default inputs; coming from a lot, its amount and its clause's calculation."""
    initial = {
        "method": CalculationMethod.RATE,
        "insertion_rate": "5",
        "anru_scope": AnruScope.WORKS,
        "hourly_cost": "30",
    }
    if lot is None:
        return initial
    clause = lot.clause
    if lot.amount_excl_tax is not None:
        initial["amount"] = number_text(lot.amount_excl_tax)
    if clause.labour_share is not None:
        initial["labour_share"] = percent_text(clause.labour_share)
    if clause.hourly_cost is not None:
        initial["hourly_cost"] = number_text(clause.hourly_cost)
    if clause.calculation_method == CalculationMethod.ANRU:
        initial["method"] = CalculationMethod.ANRU
        if clause.insertion_rate == AnruScope.RATES[AnruScope.URBAN_MANAGEMENT]:
            initial["anru_scope"] = AnruScope.URBAN_MANAGEMENT
    elif clause.insertion_rate is not None:
        initial["insertion_rate"] = percent_text(clause.insertion_rate)
    return initial


def _contract_url(lot):
    """The contract's page in the tracking workspace (None if that area is not installed)."""
    try:
        return reverse("tracking:contract_detail", kwargs={"pk": lot.contract_id})
    except NoReverseMatch:
        return None


@require_POST
def apply(request):
    """Write the calculation into the clause of one of the facilitator's lots."""
    lots = _applicable_lots(request.user)
    if lots is None:
        raise Http404
    form = CalculatorForm(request.POST)
    apply_form = ApplyForm(request.POST, lots=lots)
    if not (form.is_valid() and apply_form.is_valid()):
        return _render(request, form, lots=lots, apply_form=apply_form, status=422)
    lot = apply_form.cleaned_data["lot"]
    calculation = form.calculation
    try:
        services.apply_calculation(actor=request.user, lot=lot, calculation=calculation)
    except DomainError as error:
        apply_form.add_error(None, error.message)
        return _render(request, form, lots=lots, apply_form=apply_form, status=422)
    lot_name = f"lot {lot.number}" + (f" ({lot.title})" if lot.title else "")
    messages.success(
        request,
        f"Calcul appliqué au {lot_name} du marché {lot.contract.reference} : "
        f"{calculator.format_number(calculation.hours)} heures d'insertion exigées "
        f"({calculation.method_label}).",
    )
    url = _contract_url(lot)
    if url is None:
        query = urlencode([(name, request.POST.get(name, "")) for name in APPLY_FIELDS])
        url = f"{reverse('tools:calculator')}?{query}&lot={lot.pk}"
    return redirect(url)


def _share_items():
    return [
        {"share": share, "percent": calculator.format_percent(share.share)}
        for share in LabourShare.objects.all()
    ]


def _national_admin_or_404(user):
    if not user.is_national_admin:
        raise Http404


def labour_shares(request):
    _national_admin_or_404(request.user)
    return render(
        request,
        "tools/labour_shares.html",
        {
            "title": "Parts de main-d'œuvre par corps d'état",
            "shares": _share_items(),
        },
    )


def labour_share_form(request, pk=None):
    _national_admin_or_404(request.user)
    labour_share = get_object_or_404(LabourShare, pk=pk) if pk else None
    initial = LabourShareForm.initial_for(labour_share) if labour_share else None
    form = LabourShareForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_labour_share(
                actor=request.user, labour_share=labour_share, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                f"Part de main-d'œuvre enregistrée : {saved.trade}, "
                f"{calculator.format_percent(saved.share)}.",
            )
            return redirect("tools:labour_shares")
    return render(
        request,
        "tools/labour_share_form.html",
        {
            "title": f"Modifier « {labour_share.trade} »"
            if labour_share
            else "Ajouter un corps d'état",
            "form": form,
            "labour_share": labour_share,
        },
    )
