"""The public collection of good practices: search, facets, map, sheets, PDFs, feed,
open data, practices for a territory."""

import json

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from clauses.core import exports
from clauses.core.jobs import start_job
from clauses.observatory import comparisons
from clauses.observatory.figures import Scope
from clauses.practices import exporters, pdf
from clauses.practices.enums import MarketKind, Public
from clauses.practices.feeds import NewPracticesFeed
from clauses.practices.map import practices_map
from clauses.practices.models import Practice, list_contains
from clauses.practices.queries import apply_filters, facet_counts, selected_filters
from clauses.practices.search import search
from clauses.practices.tasks import build_recueil
from clauses.territories.models import Departement, Region
from clauses.www.observatory import present

from .forms import RecueilForm

PER_PAGE = 20


def _published():
    return Practice.objects.published().select_related("region", "departement", "commune")


@login_not_required
def practice_list(request):
    q = request.GET.get("q", "").strip()[:200]
    selected = selected_filters(request.GET)
    practices = search(apply_filters(_published(), selected), q)
    paginator = Paginator(practices, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    params = request.GET.copy()
    params.pop("page", None)

    def url_for_region(code):
        region_params = params.copy()
        region_params["region"] = code
        return f"{reverse('practices:list')}?{region_params.urlencode()}"

    facets = facet_counts(practices, selected)
    for facet in facets:
        for option in facet["options"]:
            option_params = params.copy()
            if option["selected"]:
                option_params.pop(facet["name"], None)
            else:
                option_params[facet["name"]] = option["value"]
            option["url"] = f"?{option_params.urlencode()}"
    return render(
        request,
        "practices/list.html",
        {
            "title": "Bonnes pratiques de la clause sociale",
            "q": q,
            "page_obj": page,
            "count": paginator.count,
            "facets": facets,
            "has_filters": bool(selected or q),
            "page_query": params.urlencode(),
            "map": practices_map(
                list(practices[:500]),
                url_for_region=url_for_region,
                selected=selected.get("region", ""),
            ),
        },
    )


def _practice_or_404(slug):
    return get_object_or_404(
        _published()
        .select_related("lead_structure")
        .prefetch_related("qpvs", "partners", "figures", "attachments", "meetings", "structures"),
        slug=slug,
    )


@login_not_required
def practice_detail(request, slug):
    practice = _practice_or_404(slug)
    return render(request, "practices/detail.html", {"title": practice.title, "practice": practice})


@login_not_required
def practice_pdf(request, slug):
    practice = _practice_or_404(slug)
    response = HttpResponse(pdf.sheet_pdf(practice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{practice.slug}.pdf"'
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def recueil(request):
    """Choose a selection; the recueil is compiled in the background (signed-in users
    follow its progress on their job page)."""
    form = RecueilForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            job = start_job(
                user=request.user,
                label="Recueil des bonnes pratiques (PDF)",
                task=build_recueil,
                back_url=request.get_full_path(),
                back_label="Retour au recueil",
                filters=form.filters(),
            )
            return redirect(job)
    return render(
        request,
        "practices/recueil.html",
        {
            "title": "Compiler le recueil PDF",
            "form": form,
            "published_count": Practice.objects.published().count(),
        },
    )


feed = login_not_required(NewPracticesFeed())


@login_not_required
def open_data(request, fmt):
    practices = exporters.published_for_export()
    if fmt == "csv":
        return exports.file_response(
            exporters.csv_rows(practices), fmt="csv", filename="fiches-bonnes-pratiques.csv"
        )
    if fmt == "json":
        data = {
            "licence": "Licence Ouverte / Open Licence 2.0 (Etalab)",
            "fiches": [exporters.record(p) for p in practices],
        }
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="fiches-bonnes-pratiques.json"'
        return response
    raise Http404


# What addresses each compared goal: practices for a public, or in other markets than works.
ADDRESSED_BY = {
    "share_participants_women": ("publics", Public.WOMEN, Public.WOMEN.label),
    "share_participants_qpv": ("publics", Public.QPV, Public.QPV.label),
    "share_etp_outside_works": (
        "market_kinds",
        [MarketKind.SERVICES, MarketKind.SUPPLIES, MarketKind.INTELLECTUAL],
        "marchés de services, de fournitures et de prestations intellectuelles",
    ),
}


def _addressing(field, values):
    values = values if isinstance(values, list) else [values]
    query = Q(pk__in=[])
    for value in values:
        query |= list_contains(field, value)
    return _published().filter(query)


@login_not_required
def territory(request, kind, code):
    """Practices for a territory, read against its figures: where its share of women, of
    QPV residents or of ETP outside works is well below the country's, the page says so and
    puts the practices that address it first (``observatory.comparisons``)."""
    if kind == "region":
        place = get_object_or_404(Region, code=code)
        local = _published().filter(region=place)
        scope = Scope.region(place)
    elif kind == "departement":
        place = get_object_or_404(Departement, code=code)
        local = _published().filter(departement=place)
        scope = Scope.departement(place)
    else:
        raise Http404
    gaps = []
    for comparison in comparisons.compare(scope):
        field, values, public = ADDRESSED_BY[comparison.code]
        addressing = _addressing(field, values)
        gaps.append(
            {
                "comparison": comparison,
                "share": present.percent(comparison.share),
                "national": present.percent(comparison.national),
                "public": public,
                "local": list(addressing.filter(pk__in=local.values("pk"))[:10]),
                "elsewhere": list(addressing.exclude(pk__in=local.values("pk"))[:5]),
            }
        )
    gaps.sort(key=lambda gap: not gap["comparison"].is_well_below)
    return render(
        request,
        "practices/territory.html",
        {
            "title": f"Bonnes pratiques : {place.name}",
            "place": place,
            "kind_label": "la région" if kind == "region" else "le département",
            "practices": list(local[:50]),
            "gaps": gaps,
            "has_figures": any(gap["comparison"].year for gap in gaps),
        },
    )
