import re
from decimal import Decimal, InvalidOperation

from django import forms

from clauses.core.forms import DsfrForm
from clauses.directory.enums import ActorFamily
from clauses.directory.models import Structure
from clauses.meetings.models import Meeting
from clauses.practices.enums import MarketKind, PracticeStatus, Public, Theme
from clauses.practices.models import ATTACHMENT_EXTENSIONS
from clauses.territories.models import Commune, Departement, Qpv, Region


def _text(label, rows=4, **kwargs):
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def _checkboxes(label, choices):
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


def _family(text):
    text = text.strip().lower()
    if not text:
        return ActorFamily.OTHER
    for code, label in ActorFamily.choices:
        if text == code or label.lower().startswith(text):
            return code
    return ActorFamily.OTHER


class PracticeForm(DsfrForm):
    title = forms.CharField(label="Titre", max_length=255)
    pitch = _text("Résumé", rows=3, help_text="La pratique en deux ou trois phrases.")
    themes = _checkboxes("Thèmes du recueil", Theme.choices)
    region = forms.ModelChoiceField(
        label="Région", queryset=Region.objects.order_by("name"), required=False
    )
    departement = forms.ModelChoiceField(
        label="Département", queryset=Departement.objects.order_by("code"), required=False
    )
    commune = forms.CharField(
        label="Commune (code INSEE)", max_length=5, required=False, help_text="Ex. : 93066."
    )
    qpvs = forms.CharField(
        label="Quartiers prioritaires (codes QPV)",
        required=False,
        help_text="Séparés par des virgules, ex. : QN09301M.",
    )
    latitude = forms.FloatField(label="Latitude", required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label="Longitude", required=False, min_value=-180, max_value=180)
    lead_structure = forms.ModelChoiceField(
        label="Structure porteuse (annuaire)",
        queryset=Structure.objects.order_by("name"),
        required=False,
    )
    partners = _text(
        "Partenaires",
        help_text="Un par ligne : « nom ; famille » (ex. « Office HLM ; bailleur »).",
    )
    context = _text("Contexte")
    actions = _text("Actions menées")
    means = _text("Moyens mobilisés")
    results = _text("Résultats")
    figures = _text(
        "Chiffres clés",
        rows=3,
        help_text="Un par ligne : « libellé ; valeur ; unité » (ex. « Heures ; 12000 ; h »).",
    )
    success_factors = _text("Facteurs de réussite")
    pitfalls = _text("Points de vigilance")
    publics = _checkboxes("Publics", Public.choices)
    market_kinds = _checkboxes("Types de marchés", MarketKind.choices)
    actor_families = _checkboxes("Familles d'acteurs", ActorFamily.choices)
    tags = forms.CharField(label="Mots-clés", required=False, help_text="Séparés par des virgules.")
    year = forms.IntegerField(label="Année", required=False, min_value=2000, max_value=2100)
    meetings = forms.ModelMultipleChoiceField(
        label="Rencontres où elle a été présentée",
        queryset=Meeting.objects.order_by("starts_at"),
        required=False,
    )
    structures = forms.ModelMultipleChoiceField(
        label="Structures impliquées (annuaire)",
        queryset=Structure.objects.order_by("name"),
        required=False,
    )
    contact_name = forms.CharField(label="Nom du contact", max_length=200, required=False)
    contact_email = forms.EmailField(label="E-mail du contact", required=False)
    contact_consent = forms.BooleanField(
        label="Le contact accepte d'être affiché sur la fiche publiée", required=False
    )

    @classmethod
    def initial_for(cls, practice):
        initial = {
            name: getattr(practice, name) for name in cls.base_fields if hasattr(practice, name)
        }
        initial.update(
            commune=practice.commune.code if practice.commune_id else "",
            qpvs=", ".join(q.code for q in practice.qpvs.all()),
            partners="\n".join(f"{p.name} ; {p.family}" for p in practice.partners.all()),
            figures="\n".join(
                f"{f.label} ; {f.value.normalize():f} ; {f.unit}".rstrip(" ;")
                for f in practice.figures.all()
            ),
            tags=", ".join(practice.tags),
            meetings=list(practice.meetings.all()),
            structures=list(practice.structures.all()),
        )
        return initial

    def clean_commune(self):
        code = self.cleaned_data["commune"].strip().upper()
        if not code:
            return None
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            raise forms.ValidationError("Aucune commune n'a ce code INSEE.")
        return commune

    def clean_qpvs(self):
        codes = [c.strip().upper() for c in self.cleaned_data["qpvs"].split(",") if c.strip()]
        qpvs = []
        for code in codes:
            qpv = Qpv.objects.filter(code=code).order_by("-list_year").first()
            if qpv is None:
                raise forms.ValidationError(f"Code QPV inconnu : {code}.")
            qpvs.append(qpv)
        return qpvs

    def clean_partners(self):
        partners = []
        for line in self.cleaned_data["partners"].splitlines():
            if not line.strip():
                continue
            name, _sep, family = line.partition(";")
            partners.append({"name": name.strip()[:255], "family": _family(family)})
        return partners

    def clean_figures(self):
        figures = []
        for line in self.cleaned_data["figures"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) < 2:
                raise forms.ValidationError(f"Ligne incomplète : « {line} » (libellé ; valeur).")
            try:
                value = Decimal(re.sub(r"\s", "", parts[1]).replace(",", "."))
            except InvalidOperation:
                raise forms.ValidationError(f"Valeur non numérique : « {parts[1]} ».") from None
            figures.append(
                {
                    "label": parts[0][:255],
                    "value": value,
                    "unit": (parts[2] if len(parts) > 2 else "")[:50],
                }
            )
        return figures

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def service_arguments(self):
        """(data, partners, figures) for the services."""
        data = dict(self.cleaned_data)
        return data, data.pop("partners"), data.pop("figures")


class AttachmentForm(DsfrForm):
    title = forms.CharField(label="Titre du document", max_length=255)
    file = forms.FileField(
        label="Fichier",
        help_text=f"10 Mo au plus ; formats : {', '.join(ATTACHMENT_EXTENSIONS)}.",
    )


class StatusFilterForm(DsfrForm):
    status = forms.ChoiceField(
        label="Statut", choices=[("", "Tous"), *PracticeStatus.choices], required=False
    )
    q = forms.CharField(label="Titre contient", required=False, max_length=100)
