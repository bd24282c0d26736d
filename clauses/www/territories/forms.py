from django import forms

from clauses.core.exceptions import DomainError
from clauses.core.forms import DsfrForm
from clauses.territories import geocoding, qpv_csv
from clauses.territories.enums import QPV_LIST_PERIODS, QpvList

FIRST_LIST_DAY = QPV_LIST_PERIODS[QpvList.QPV_2015][0]
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _date_field():
    return forms.DateField(
        label="Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="La liste de QPV en vigueur ce jour-là. Par défaut : aujourd'hui.",
    )


def _clean_date(value):
    if value and value < FIRST_LIST_DAY:
        raise forms.ValidationError(
            f"Aucune liste de QPV n'était en vigueur avant le {FIRST_LIST_DAY:%d/%m/%Y}."
        )
    return value


class QpvLookupForm(DsfrForm):
    address = forms.CharField(
        label="Adresse",
        required=False,
        max_length=250,
        help_text="Par exemple : 12 rue de la République 93200 Saint-Denis",
    )
    postal_code = forms.CharField(label="Code postal", required=False, max_length=10)
    commune = forms.CharField(label="Commune", required=False, max_length=150)
    latitude = forms.CharField(
        label="Latitude", required=False, max_length=30, help_text="En degrés, ex. 48,8907"
    )
    longitude = forms.CharField(
        label="Longitude", required=False, max_length=30, help_text="En degrés, ex. 2,3513"
    )
    date = _date_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not geocoding.is_enabled():
            del self.fields["address"]

    def clean_date(self):
        return _clean_date(self.cleaned_data.get("date"))

    def clean(self):
        data = super().clean()
        address = (data.get("address") or "").strip()
        postal_code = (data.get("postal_code") or "").strip()
        commune = (data.get("commune") or "").strip()
        latitude = (data.get("latitude") or "").strip()
        longitude = (data.get("longitude") or "").strip()
        modes = [bool(address), bool(postal_code or commune), bool(latitude or longitude)]
        if sum(modes) == 0:
            raise forms.ValidationError(f"Indiquez {self._choices()}.")
        if sum(modes) > 1:
            raise forms.ValidationError(
                f"Choisissez une seule façon de désigner le lieu : {self._choices()}."
            )
        if address:
            data["mode"] = "address"
        elif postal_code or commune:
            data["mode"] = "commune"
            if not postal_code:
                self.add_error("postal_code", "Indiquez le code postal de la commune.")
            elif len("".join(c for c in postal_code if c.isdigit())) != 5:
                self.add_error("postal_code", "Le code postal doit comporter 5 chiffres.")
            if not commune:
                self.add_error("commune", "Indiquez le nom de la commune.")
        else:
            data["mode"] = "coordinates"
            for name, label, limit in (
                ("latitude", "Latitude", 90),
                ("longitude", "Longitude", 180),
            ):
                value, error = qpv_csv.parse_coordinate(data.get(name), label=label, limit=limit)
                if error:
                    self.add_error(name, error)
                else:
                    data[f"{name}_value"] = value
        return data

    def _choices(self):
        choices = "un code postal et une commune, ou une latitude et une longitude"
        return f"une adresse, ou {choices}" if "address" in self.fields else choices


class QpvCsvForm(DsfrForm):
    file = forms.FileField(
        label="Fichier CSV",
        help_text="Colonnes « lat » et « lon » (ou « adresse » si le géocodage est activé), "
        "séparateur virgule ou point-virgule, encodage UTF-8. 20 Mo au plus.",
    )
    date = _date_field()

    def clean_date(self):
        return _clean_date(self.cleaned_data.get("date"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Le fichier dépasse 20 Mo : découpez-le.")
        data = upload.read()
        try:
            qpv_csv.read_header(data)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        self.cleaned_data["content"] = data
        return upload
