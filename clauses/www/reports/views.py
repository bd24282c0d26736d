"""Reports (bilans) of the social clause per contract, operation and buyer: a page, a PDF and
a spreadsheet from the same figures. Read by whoever reads the contracts (``for_user``):
the facilitator organisation, its coordinator, national administrators and the buyer itself
for its own contracts. Downloads are audited."""

import logging

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from clauses.core import audit
from clauses.core.exports import CONTENT_TYPES
from clauses.observatory import progress
from clauses.procurement.models import Buyer, Contract, Lot, Operation
from clauses.procurement.perms import tracking_organisations
from clauses.www.workspace.views import _page

from . import report as reports

logger = logging.getLogger(__name__)

PER_PAGE = 30
VIEWS = [("marches", "Marchés"), ("operations", "Opérations"), ("acheteurs", "Acheteurs")]


def index(request):
    """The reports the user can read, as three lists (contracts, operations, buyers)."""
    view = request.GET.get("vue") if request.GET.get("vue") in dict(VIEWS) else "marches"
    q = request.GET.get("q", "").strip()[:100]
    user = request.user
    if view == "marches":
        objects = (
            progress.with_contract_progress(Contract.objects.for_user(user))
            .select_related("buyer", "operation")
            .order_by("-notification_date", "reference", "pk")
        )
        if q:
            objects = objects.filter(
                Q(reference__icontains=q) | Q(object__icontains=q) | Q(buyer__name__icontains=q)
            )
    elif view == "operations":
        objects = (
            Operation.objects.for_user(user)
            .select_related("buyer", "qpv")
            .annotate(contract_count=Count("contracts"))
            .order_by("name", "pk")
        )
        if q:
            objects = objects.filter(Q(name__icontains=q) | Q(buyer__name__icontains=q))
    else:
        objects = (
            Buyer.objects.for_user(user)
            .annotate(contract_count=Count("contracts"))
            .order_by("name", "pk")
        )
        if q:
            objects = objects.filter(Q(name__icontains=q) | Q(siret__icontains=q))
    page = _page(request, objects, PER_PAGE)
    return render(
        request,
        "reports/index.html",
        {
            "title": "Bilans de la clause sociale",
            "view": view,
            "views": [
                {"code": code, "label": label, "current": code == view} for code, label in VIEWS
            ],
            "q": q,
            "page_obj": page,
        },
    )


def _contract_report(request, pk):
    contract = get_object_or_404(
        Contract.objects.for_user(request.user).select_related(
            "buyer", "operation", "organisation"
        ),
        pk=pk,
    )
    lots = Lot.objects.for_user(request.user).filter(contract=contract)
    return contract, reports.contract_report(contract, lots)


def _operation_report(request, pk):
    operation = get_object_or_404(
        Operation.objects.for_user(request.user).select_related("buyer", "qpv", "organisation"),
        pk=pk,
    )
    lots = Lot.objects.for_user(request.user).filter(contract__operation=operation)
    return operation, reports.operation_report(operation, lots)


def _buyer_report(request, pk):
    buyer = get_object_or_404(
        Buyer.objects.for_user(request.user).select_related("organisation"), pk=pk
    )
    lots = Lot.objects.for_user(request.user).filter(contract__buyer=buyer)
    return buyer, reports.buyer_report(buyer, lots)


BUILDERS = {"contract": _contract_report, "operation": _operation_report, "buyer": _buyer_report}


def report_view(request, pk, *, kind, fmt="html"):
    obj, report = BUILDERS[kind](request, pk)
    # People's counts are the structure's: anyone else (a buyer's reader, a coordinator, a
    # national administrator) reads them protected.
    if obj.organisation_id not in {o.pk for o in tracking_organisations(request.user)}:
        report = report.for_outside_reader()
    if fmt == "html":
        return render(
            request,
            "reports/report.html",
            {"title": report.title, "report": report, "for_pdf": False, "kind": kind, "pk": pk},
        )
    if fmt == "pdf":
        try:
            content = report.pdf()
        except OSError:
            # WeasyPrint loads Pango when imported: a server without it still serves the rest.
            logger.exception("PDF report unavailable: WeasyPrint cannot load its libraries")
            messages.error(
                request,
                "Le PDF ne peut pas être produit sur ce serveur : la bibliothèque Pango manque "
                "(paquet Debian libpango-1.0-0). Le bilan reste disponible en ligne et en "
                "tableur (XLSX).",
            )
            return redirect(f"reports:{kind}", pk=pk)
        response = HttpResponse(content, content_type="application/pdf")
    else:
        response = HttpResponse(report.xlsx(), content_type=CONTENT_TYPES["xlsx"])
    audit.log(
        actor=request.user,
        action="insertion.report_downloaded",
        obj=obj,
        object_repr=f"{report.title} ({fmt.upper()})"[:255],
    )
    response["Content-Disposition"] = f'attachment; filename="{report.filename}.{fmt}"'
    return response
