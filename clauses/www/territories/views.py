import dataclasses
import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clauses.core.jobs import start_job
from clauses.territories import geo, geocoding
from clauses.territories.enums import QPV_LIST_PERIODS, QpvList
from clauses.territories.models import Qpv
from clauses.territories.svg import outline
from clauses.territories.tasks import qpv_csv_lookup

from .forms import QpvCsvForm, QpvLookupForm


@dataclasses.dataclass
class LookupResult:
    list_year: int
    list_label: str
    qpv: Qpv | None = None
    lat: float | None = None
    lon: float | None = None
    address_label: str = ""
    address_score: float | None = None
    commune: object = None
    commune_qpvs: list = dataclasses.field(default_factory=list)
    commune_qpv_scope: object = None
    nearest_qpv: object = None
    nearest_distance: float | None = None


def _lookup(form):
    """Run the lookup the valid form asks for; a LookupResult, or None with errors on the form."""
    data = form.cleaned_data
    on = data.get("date")
    list_year = geo.list_year_on(on)
    result = LookupResult(list_year=list_year, list_label=QpvList(list_year).label)
    if data["mode"] == "commune":
        found = geocoding.find_commune(data["postal_code"], data["commune"])
        if found is None:
            form.add_error(
                "commune",
                f"Aucune commune « {data['commune']} » trouvée pour le code postal "
                f"{data['postal_code']}.",
            )
            return None
        result.commune = found.commune
        scope = found.commune.parent or found.commune
        result.commune_qpv_scope = scope
        result.commune_qpvs = list(scope.qpvs.filter(list_year=list_year).order_by("name"))
        return result
    if data["mode"] == "address":
        try:
            found = geocoding.geocode(data["address"])
        except geocoding.GeocodingError as exc:
            form.add_error("address", exc.message)
            return None
        if found is None:
            form.add_error("address", "Adresse introuvable dans la Base adresse nationale.")
            return None
        if not found.is_reliable:
            form.add_error(
                "address",
                f"Adresse reconnue avec trop peu de certitude (« {found.label} », score "
                f"{found.score:.2f}) : précisez-la (numéro, code postal, commune).",
            )
            return None
        result.address_label, result.address_score = found.label, found.score
        result.lat, result.lon = found.lat, found.lon
    else:
        result.lat, result.lon = data["latitude_value"], data["longitude_value"]
    if not geo.is_in_france(result.lat, result.lon):
        form.add_error(None, geo.outside_france_message(result.lat, result.lon))
        return None
    result.qpv = geo.locate_qpv(result.lat, result.lon, on=on)
    if result.qpv is None:
        result.nearest_qpv, result.nearest_distance = geo.nearest_qpv(result.lat, result.lon, on=on)
    return result


def _page(request, *, form, csv_form, result=None, status=200):
    context = {
        "title": "Trouver le QPV d'une adresse",
        "form": form,
        "csv_form": csv_form,
        "result": result,
        "geocoding_enabled": geocoding.is_enabled(),
        "lists": [
            {"label": QpvList(year).label, "start": start, "end": end}
            for year, (start, end) in QPV_LIST_PERIODS.items()
        ],
    }
    return render(request, "territories/qpv_lookup.html", context, status=status)


@login_not_required
def qpv_lookup(request):
    csv_form = QpvCsvForm() if request.user.is_authenticated else None
    if request.method == "POST":
        form = QpvLookupForm(request.POST)
        result = _lookup(form) if form.is_valid() else None
        return _page(request, form=form, csv_form=csv_form, result=result)
    return _page(request, form=QpvLookupForm(), csv_form=csv_form)


@require_POST
def qpv_csv_upload(request):
    csv_form = QpvCsvForm(request.POST, request.FILES)
    if not csv_form.is_valid():
        return _page(request, form=QpvLookupForm(), csv_form=csv_form)
    upload = csv_form.cleaned_data["file"]
    on = csv_form.cleaned_data.get("date")
    path = default_storage.save(
        f"territories/qpv-uploads/{uuid.uuid4().hex}.csv",
        ContentFile(csv_form.cleaned_data["content"]),
    )
    job = start_job(
        user=request.user,
        label=f"Recherche des QPV : {upload.name}",
        task=qpv_csv_lookup,
        back_url=request.path,
        back_label="Retour à la recherche des QPV",
        path=path,
        filename=upload.name,
        on=on.isoformat() if on else None,
    )
    return redirect(job)


@login_not_required
def qpv_detail(request, code):
    qpv = (
        Qpv.objects.filter(code=code.upper())
        .select_related("departement__region")
        .order_by("-list_year")
        .first()
    )
    if qpv is None:
        raise Http404("QPV inconnu.")
    start, end = QPV_LIST_PERIODS[QpvList(qpv.list_year)]
    context = {
        "title": f"QPV {qpv.name} ({qpv.code})",
        "qpv": qpv,
        "communes": list(qpv.communes.order_by("name")),
        "outline": outline(qpv.geometry),
        "list_start": start,
        "list_end": end,
        "in_force": geo.list_year_on() == qpv.list_year,
    }
    return render(request, "territories/qpv_detail.html", context)
