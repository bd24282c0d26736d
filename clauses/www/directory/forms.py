from django import forms

from clauses.core.exceptions import DomainError
from clauses.core.forms import DsfrForm
from clauses.directory import queries
from clauses.directory.enums import ActorFamily, Visibility
from clauses.directory.services import validate_siret
from clauses.territories.models import Commune, Departement, Region


def _family_choices(empty_label):
    return [("", empty_label), *ActorFamily.choices]


class DirectoryFilterForm(DsfrForm):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=100,
        help_text="Nom, description ou commune de la structure.",
    )
    region = forms.ModelChoiceField(
        label="Région",
        queryset=Region.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label="Toutes les régions",
    )
    departement = forms.ModelChoiceField(
        label="Département",
        queryset=Departement.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label="Tous les départements",
    )
    family = forms.ChoiceField(
        label="Famille d'acteurs", choices=_family_choices("Toutes les familles"), required=False
    )
    qpv = forms.CharField(
        label="Quartier prioritaire (code QPV)",
        required=False,
        max_length=10,
        help_text="Par exemple QN09301M : le code figure sur la fiche du quartier.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region_code = self.data.get("region") if self.is_bound else None
        if region_code:
            self.fields["departement"].queryset = Departement.objects.filter(
                region__code=region_code
            ).order_by("code")

    def clean_qpv(self):
        code = self.cleaned_data["qpv"].strip().upper()
        if not code:
            return None
        qpv = queries.find_qpv(code)
        if qpv is None:
            raise forms.ValidationError(
                "Aucun quartier prioritaire ne porte ce code : vérifiez-le sur la recherche "
                "d'adresse en QPV."
            )
        return qpv

    def filters(self):
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "region": data["region"],
            "departement": data["departement"],
            "family": data["family"],
            "qpv": data["qpv"],
            "q": data["q"],
        }


class StructureForm(DsfrForm):
    name = forms.CharField(label="Nom de la structure", max_length=255)
    siret = forms.CharField(
        label="SIRET",
        required=False,
        max_length=20,
        help_text="14 chiffres : 9 pour le SIREN, 5 pour l'établissement.",
    )
    family = forms.ChoiceField(
        label="Famille d'acteurs", choices=_family_choices("Choisir une famille")
    )
    typology = forms.CharField(
        label="Typologie data·inclusion",
        required=False,
        max_length=32,
        help_text="Code du référentiel data·inclusion, par exemple ACI, ML, PLIE.",
    )
    description = forms.CharField(
        label="Présentation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Ce que fait la structure, ses publics, ce qu'elle attend de ses partenaires.",
    )
    region = forms.ModelChoiceField(
        label="Région",
        queryset=Region.objects.order_by("name"),
        to_field_name="code",
        empty_label="Choisir une région",
    )
    departement = forms.ModelChoiceField(
        label="Département",
        queryset=Departement.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label="Choisir un département",
    )
    commune = forms.CharField(
        label="Commune (code INSEE)",
        required=False,
        max_length=5,
        help_text=(
            "Par exemple 93066 pour Saint-Denis. Le département et la région en sont déduits."
        ),
    )
    qpvs = forms.CharField(
        label="Quartiers prioritaires d'intervention (codes QPV)",
        required=False,
        max_length=500,
        help_text="Codes séparés par des virgules, par exemple QN09301M, QN09302M.",
    )
    website = forms.URLField(label="Site web", required=False, assume_scheme="https")
    email = forms.EmailField(label="Adresse e-mail de contact", required=False)
    phone = forms.CharField(label="Téléphone", required=False, max_length=30)
    is_published = forms.BooleanField(
        label="Publier la fiche dans l'annuaire public", required=False
    )

    @classmethod
    def initial_from(cls, structure=None, *, base=None):
        if structure is None:
            initial = dict(base or {})
            for key in ("region", "departement"):
                if initial.get(key) is not None:
                    initial[key] = initial[key].code
            commune = initial.pop("commune", None)
            initial["commune"] = commune.code if commune else ""
            return initial
        return {
            "name": structure.name,
            "siret": structure.siret,
            "family": structure.family,
            "typology": structure.typology,
            "description": structure.description,
            "region": structure.region.code,
            "departement": structure.departement.code if structure.departement_id else "",
            "commune": structure.commune.code if structure.commune_id else "",
            "qpvs": ", ".join(q.code for q in structure.qpvs.all()),
            "website": structure.website,
            "email": structure.email,
            "phone": structure.phone,
            "is_published": structure.is_published,
        }

    def clean_siret(self):
        try:
            return validate_siret(self.cleaned_data["siret"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from error

    def clean_commune(self):
        code = self.cleaned_data["commune"].strip()
        if not code:
            return None
        commune = Commune.objects.select_related("departement__region").filter(code=code).first()
        if commune is None:
            raise forms.ValidationError("Aucune commune ne porte ce code INSEE.")
        return commune

    def clean_qpvs(self):
        codes = [c.strip().upper() for c in self.cleaned_data["qpvs"].split(",") if c.strip()]
        qpvs = []
        for code in dict.fromkeys(codes):
            qpv = queries.find_qpv(code)
            if qpv is None:
                raise forms.ValidationError(f"Aucun quartier prioritaire ne porte le code {code}.")
            qpvs.append(qpv)
        return qpvs

    def structure_data(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "qpvs"}
        return data


class ContactForm(DsfrForm):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    function = forms.CharField(label="Fonction", required=False, max_length=200)
    email = forms.EmailField(label="Adresse e-mail")
    visibility = forms.ChoiceField(
        label="Qui peut voir ce contact dans l'annuaire ?",
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.PARTICIPANTS,
        help_text="« Personne » : seuls les organisateurs le voient, pour les exports.",
    )
    consent = forms.BooleanField(
        label="La personne a accepté de figurer dans l'annuaire avec cette visibilité",
        required=True,
        error_messages={
            "required": "Cochez la case : un contact ne figure dans l'annuaire qu'avec "
            "l'accord de la personne."
        },
    )
