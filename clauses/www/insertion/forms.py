"""Forms of the insertion side of the workspace: participants, eligibility, missions,
outcomes, the list filters and the monthly hours grid's selection.

Forms only shape the input; the rules (duplicates, a lot with its clause, hours within the
mission's months...) live in ``clauses.insertion.services``, whose errors the views attach
to the field they name.
"""

import datetime

from django import forms
from django.db.models import Q
from django.db.models.functions import Lower

from clauses.core.exceptions import DomainError
from clauses.core.forms import DsfrForm
from clauses.insertion import services
from clauses.insertion.enums import (
    OUTCOME_KIND_OF_DETAIL,
    Criterion,
    EducationLevel,
    Modality,
    OutcomeKind,
    OutcomeMoment,
    Prescriber,
    Sex,
    WorkContractType,
)
from clauses.procurement.models import Company, Lot
from clauses.territories import geocoding
from clauses.territories.models import Qpv

# The QPV choice « does not live in a QPV » (chosen by hand, no QPV).
NO_QPV = "hors_qpv"
# Days before its end from which a mission counts as « ending soon ».
ENDING_SOON_DAYS = 30


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=DateInput(), **kwargs)


def _choices(label, choices, *, required=True, empty="Choisissez", **kwargs):
    return forms.ChoiceField(
        label=label, choices=[("", empty), *choices], required=required, **kwargs
    )


def participant_label(participant):
    name = participant.name
    return f"{participant.identifier} — {name}" if name else participant.identifier


def lot_label(lot):
    return f"{lot.contract.reference} — {lot}"


def qpv_choices_for(*, commune, list_year, departement=None):
    """The QPVs a participant may be placed in by hand: those of ``commune`` (or of its
    arrondissements / parent commune) of the list ``list_year``; without a commune, those of
    ``departement``."""
    if list_year is None:
        return Qpv.objects.none()
    qpvs = Qpv.objects.filter(list_year=list_year)
    if commune is not None:
        link = Q(communes=commune) | Q(communes__parent=commune)
        if commune.parent_id:
            link |= Q(communes=commune.parent_id)
        return qpvs.filter(link).distinct().order_by("name", "code")
    if departement is not None:
        return qpvs.filter(departement=departement).order_by("name", "code")
    return Qpv.objects.none()


# --- Participants -------------------------------------------------------------------------


class ParticipantFilterForm(DsfrForm):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=100,
        help_text="Identifiant, nom ou prénom",
    )
    sexe = _choices("Sexe", Sex.choices, required=False, empty="Tous")
    qpv = _choices(
        "Résidence en QPV",
        [("oui", "Réside en QPV"), ("non", "Ne réside pas en QPV"), ("inconnu", "Non déterminé")],
        required=False,
        empty="Tous",
    )
    mission = _choices(
        "Mission en cours",
        [("oui", "Avec une mission en cours"), ("non", "Sans mission en cours")],
        required=False,
        empty="Tous",
    )
    critere = _choices("Critère d'éligibilité", Criterion.choices, required=False, empty="Tous")
    tri = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=[
            ("identifiant", "Identifiant"),
            ("nom", "Nom"),
            ("heures", "Heures réalisées (les plus nombreuses d'abord)"),
            ("recent", "Derniers enregistrés"),
        ],
    )

    SORTS = {
        "identifiant": ["identifier", "pk"],
        "nom": [Lower("last_name"), Lower("first_name"), "identifier", "pk"],
        "heures": ["-hours_total", "identifier", "pk"],
        "recent": ["-created_at", "-pk"],
    }

    def is_filtered(self):
        return self.is_bound and any(
            self.data.get(name) for name in ("q", "sexe", "qpv", "mission", "critere")
        )

    def filter(self, queryset, *, today):
        if not self.is_bound:
            return queryset.order_by(*self.SORTS["identifiant"])
        if not self.is_valid():
            return queryset.none()  # the errors say why; never widen an unknown filter
        data = self.cleaned_data
        if q := data["q"].strip():
            for word in q.split():
                queryset = queryset.filter(
                    Q(identifier__icontains=word)
                    | Q(last_name__icontains=word)
                    | Q(first_name__icontains=word)
                )
        if data["sexe"]:
            queryset = queryset.filter(sex=data["sexe"])
        if data["qpv"] == "oui":
            queryset = queryset.filter(qpv__isnull=False)
        elif data["qpv"] == "non":
            queryset = queryset.filter(qpv__isnull=True).exclude(qpv_source="aucun")
        elif data["qpv"] == "inconnu":
            queryset = queryset.filter(qpv__isnull=True, qpv_source="aucun")
        if data["mission"]:
            active = Q(missions__start_date__lte=today) & (
                Q(missions__end_date__isnull=True) | Q(missions__end_date__gte=today)
            )
            with_active = queryset.model.objects.filter(active).values("pk")
            if data["mission"] == "oui":
                queryset = queryset.filter(pk__in=with_active)
            else:
                queryset = queryset.exclude(pk__in=with_active)
        if data["critere"]:
            queryset = queryset.filter(
                pk__in=queryset.model.objects.filter(
                    eligibilities__criterion=data["critere"]
                ).values("pk")
            )
        return queryset.order_by(*self.SORTS[data["tri"] or "identifiant"])


class ParticipantForm(DsfrForm):
    identifier = forms.CharField(
        label="Identifiant",
        max_length=64,
        help_text="Identifiant interne à votre structure, par exemple P-00012. "
        "Jamais de numéro de sécurité sociale.",
    )
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    birth_date = _date(
        "Date de naissance", required=False, help_text="Sert à calculer la tranche d'âge."
    )
    sex = forms.ChoiceField(label="Sexe", choices=Sex.choices, widget=forms.RadioSelect)
    address = forms.CharField(
        label="Adresse",
        max_length=255,
        required=False,
        help_text="Numéro et voie, par exemple : 12 rue de la République",
    )
    postal_code = forms.RegexField(
        label="Code postal",
        regex=r"^\d[0-9AB]\d{3}$",
        required=False,
        max_length=5,
        error_messages={"invalid": "Code postal : saisissez 5 chiffres, par exemple 93000."},
    )
    commune_name = forms.CharField(label="Commune", max_length=150, required=False)
    qpv = forms.ChoiceField(
        label="Quartier prioritaire (QPV) de résidence",
        required=False,
        error_messages={
            "invalid_choice": "Quartier prioritaire : ce QPV n'est pas un QPV de la commune "
            "indiquée dans la liste en vigueur. Choisissez-en un dans la liste."
        },
    )
    education_level = forms.ChoiceField(
        label="Niveau de formation",
        choices=EducationLevel.choices,
        initial=EducationLevel.UNKNOWN,
    )
    prescriber = forms.ChoiceField(
        label="Prescripteur", choices=Prescriber.choices, initial=Prescriber.NONE
    )
    exception_reason = forms.CharField(
        label="Motif de la dérogation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Votre décision motivée, quand aucun critère d'éligibilité ne s'applique.",
    )

    IDENTITY_FIELDS = [
        "identifier",
        "last_name",
        "first_name",
        "birth_date",
        "address",
        "postal_code",
        "sex",
        "education_level",
        "prescriber",
        "exception_reason",
    ]

    def __init__(
        self,
        *args,
        organisation,
        participant=None,
        list_year=None,
        commune=None,
        refresh_url=None,
        **kwargs,
    ):
        self.organisation = organisation
        self.participant = participant
        self.list_year = list_year
        if participant is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(participant)
        super().__init__(*args, **kwargs)
        self.commune = commune
        qpvs = qpv_choices_for(
            commune=commune, list_year=list_year, departement=organisation.departement
        )
        self.qpvs = {str(qpv.pk): qpv for qpv in qpvs}
        empty = (
            "Déterminer d'après l'adresse (géocodage)"
            if geocoding.is_enabled()
            else "Non déterminé"
        )
        self.fields["qpv"].choices = [
            ("", empty),
            (NO_QPV, "Ne réside pas dans un QPV"),
            *[(pk, str(qpv)) for pk, qpv in self.qpvs.items()],
        ]
        where = (
            f"de {commune.name}"
            if commune is not None
            else "de votre département (indiquez la commune pour réduire la liste)"
        )
        self.fields["qpv"].help_text = (
            f"Les QPV {where}, liste {list_year} en vigueur au début du parcours."
            if list_year
            else "Aucune liste de QPV n'était en vigueur à cette date."
        )
        if geocoding.is_enabled():
            self.fields[
                "qpv"
            ].help_text += (
                " Laissez « Déterminer d'après l'adresse » pour le calculer à partir de l'adresse."
            )
        # DsfrBaseForm built the bound field (and copied its help text) already.
        self._bound_fields_cache.pop("qpv", None)
        # Progressive enhancement: the QPV list follows the commune as it is typed.
        for name in ("postal_code", "commune_name") if refresh_url else ():
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": refresh_url,
                    "hx-trigger": "change",
                    "hx-target": "#champ-qpv",
                    "hx-swap": "outerHTML",
                    "hx-include": "[name=postal_code],[name=commune_name],[name=qpv]",
                    # One request at a time, the latest last: answers never cross.
                    "hx-sync": "closest form:queue last",
                    "hx-vals": '{"fragment": "qpv"}',
                }
            )

    @staticmethod
    def initial_from(participant):
        initial = {field: getattr(participant, field) for field in ParticipantForm.IDENTITY_FIELDS}
        initial["commune_name"] = participant.commune.name if participant.commune_id else ""
        if participant.qpv_id and participant.qpv_source != "geocodage":
            initial["qpv"] = str(participant.qpv_id)
        elif participant.qpv_source == "manuel":
            initial["qpv"] = NO_QPV
        else:
            initial["qpv"] = ""
        return initial

    def clean(self):
        cleaned = super().clean()
        postal_code = cleaned.get("postal_code") or ""
        commune_name = (cleaned.get("commune_name") or "").strip()
        needs_commune = self.commune is None and (postal_code or commune_name)
        if needs_commune and not self.has_error("postal_code"):
            try:
                self.commune = services.resolve_commune(
                    postal_code=postal_code, commune_name=commune_name
                )
            except DomainError as error:
                self.add_error("commune_name", error.message)
        choice = cleaned.get("qpv")
        if choice and choice != NO_QPV and self.commune is None and not self.errors:
            self.add_error(
                "commune_name",
                "Commune : indiquez le code postal et la commune de résidence pour choisir un QPV.",
            )
        return cleaned

    def chosen_qpv(self):
        """The Qpv chosen by hand, None for « not in a QPV », or "" to determine it."""
        choice = self.cleaned_data.get("qpv") or ""
        if choice == NO_QPV:
            return None
        return self.qpvs.get(choice, "")

    def participant_values(self):
        return {field: self.cleaned_data[field] for field in self.IDENTITY_FIELDS}


class EligibilityForm(DsfrForm):
    criterion = _choices("Critère", Criterion.choices)
    assessed_on = _date("Constaté le", initial=datetime.date.today)
    valid_until = _date("Valable jusqu'au", required=False)
    note = forms.CharField(
        label="Justificatif ou remarque",
        max_length=255,
        required=False,
        help_text="Par exemple : attestation France Travail du 3 mars. Pas de pièce jointe.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "critere")
        super().__init__(*args, **kwargs)


# --- Missions -----------------------------------------------------------------------------


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return participant_label(obj)


class LotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return lot_label(obj)


class MissionForm(DsfrForm):
    participant = ParticipantChoiceField(
        label="Participant", queryset=None, empty_label="Choisissez"
    )
    lot = LotChoiceField(
        label="Marché et lot",
        queryset=None,
        empty_label="Choisissez",
        help_text="Seuls les lots avec une clause sociale sont proposés.",
    )
    company = forms.ChoiceField(
        label="Entreprise",
        help_text="Les entreprises déjà rattachées au lot sont proposées en premier.",
    )
    modality = _choices("Modalité de mise en œuvre", Modality.choices)
    work_contract_type = _choices("Type de contrat de travail", WorkContractType.choices)
    start_date = _date("Début")
    end_date = _date(
        "Fin", required=False, help_text="Laissez vide tant que la mission est en cours."
    )

    def __init__(self, *args, organisation, mission=None, lot=None, refresh_url=None, **kwargs):
        if mission is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "participant": mission.participant_id,
                "lot": mission.lot_id,
                "company": str(mission.company_id),
                "modality": mission.modality,
                "work_contract_type": mission.work_contract_type,
                "start_date": mission.start_date,
                "end_date": mission.end_date,
            }
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = organisation.participants.order_by("identifier", "pk")
        self.fields["lot"].queryset = (
            Lot.objects.for_organisation(organisation)
            .filter(clause__isnull=False)
            .select_related("contract")
            .order_by("contract__reference", "number")
        )
        self.companies = {
            str(company.pk): company
            for company in Company.objects.filter(organisation=organisation).order_by("name", "pk")
        }
        attached = set()
        if lot is not None:
            attached = {str(pk) for pk in lot.lot_companies.values_list("company_id", flat=True)}
        first = [(pk, str(c)) for pk, c in self.companies.items() if pk in attached]
        others = [(pk, str(c)) for pk, c in self.companies.items() if pk not in attached]
        if first:
            self.fields["company"].choices = [
                ("", "Choisissez"),
                ("Entreprises du lot", first),
                ("Autres entreprises", others),
            ]
        else:
            self.fields["company"].choices = [("", "Choisissez"), *others]
        if not refresh_url:
            return
        self.fields["lot"].widget.attrs.update(
            {
                "hx-get": refresh_url,
                "hx-trigger": "change",
                "hx-target": "#champ-entreprise",
                "hx-swap": "outerHTML",
                "hx-include": "[name=lot],[name=company]",
                "hx-vals": '{"fragment": "entreprise"}',
            }
        )

    def mission_values(self):
        data = self.cleaned_data
        return {
            "participant": data["participant"],
            "lot": data["lot"],
            "company": self.companies[data["company"]],
            "modality": data["modality"],
            "work_contract_type": data["work_contract_type"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
        }


class MissionFilterForm(DsfrForm):
    q = forms.CharField(
        label="Rechercher un participant",
        required=False,
        max_length=100,
        help_text="Identifiant, nom ou prénom",
    )
    marche = forms.ModelChoiceField(
        label="Marché", queryset=None, required=False, empty_label="Tous les marchés"
    )
    entreprise = forms.ModelChoiceField(
        label="Entreprise", queryset=None, required=False, empty_label="Toutes les entreprises"
    )
    contrat = _choices("Contrat de travail", WorkContractType.choices, required=False, empty="Tous")
    statut = _choices(
        "Statut",
        [
            ("en_cours", "En cours"),
            ("fin_proche", f"Se terminant dans les {ENDING_SOON_DAYS} jours"),
            ("terminees", "Terminées"),
            ("a_venir", "À venir"),
        ],
        required=False,
        empty="Toutes",
    )

    def __init__(self, *args, contracts, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["marche"].queryset = contracts
        self.fields["entreprise"].queryset = companies

    def is_filtered(self):
        return self.is_bound and any(
            self.data.get(name) for name in ("q", "marche", "entreprise", "contrat", "statut")
        )

    def filter(self, queryset, *, today):
        if not self.is_bound:
            return queryset
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if q := data["q"].strip():
            for word in q.split():
                queryset = queryset.filter(
                    Q(participant__identifier__icontains=word)
                    | Q(participant__last_name__icontains=word)
                    | Q(participant__first_name__icontains=word)
                )
        if data["marche"]:
            queryset = queryset.filter(lot__contract=data["marche"])
        if data["entreprise"]:
            queryset = queryset.filter(company=data["entreprise"])
        if data["contrat"]:
            queryset = queryset.filter(work_contract_type=data["contrat"])
        status = data["statut"]
        if status == "en_cours":
            queryset = queryset.active_on(today)
        elif status == "fin_proche":
            queryset = queryset.active_on(today).filter(
                end_date__lte=today + datetime.timedelta(days=ENDING_SOON_DAYS)
            )
        elif status == "terminees":
            queryset = queryset.filter(end_date__lt=today)
        elif status == "a_venir":
            queryset = queryset.filter(start_date__gt=today)
        return queryset


# --- Outcomes -----------------------------------------------------------------------------


def outcome_detail_choices():
    """The situations grouped by their kind in the IAE grid."""
    groups = []
    for kind in OutcomeKind:
        details = [
            (detail.value, detail.label)
            for detail, detail_kind in OUTCOME_KIND_OF_DETAIL.items()
            if detail_kind == kind
        ]
        if details:
            groups.append((kind.label, details))
    return groups


class OutcomeForm(DsfrForm):
    moment = forms.ChoiceField(
        label="Moment", choices=OutcomeMoment.choices, widget=forms.RadioSelect
    )
    detail = forms.ChoiceField(
        label="Situation",
        help_text="Regroupées selon la grille des sorties de l'IAE.",
    )
    observed_on = _date("Constatée le")
    note = forms.CharField(label="Remarque", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["detail"].choices = [("", "Choisissez"), *outcome_detail_choices()]


# --- Hours grid ---------------------------------------------------------------------------


class ContractChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, show_organisation=False, **kwargs):
        self.show_organisation = show_organisation
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        label = f"{obj.reference} — {obj.object}"
        return f"{label} ({obj.organisation})" if self.show_organisation else label


class HoursGridForm(DsfrForm):
    """Which contract (and lot, company) and which year the grid shows."""

    marche = ContractChoiceField(label="Marché", queryset=None, empty_label="Choisissez")
    lot = LotChoiceField(label="Lot", queryset=None, required=False, empty_label="Tous les lots")
    entreprise = forms.ModelChoiceField(
        label="Entreprise", queryset=None, required=False, empty_label="Toutes les entreprises"
    )
    annee = forms.TypedChoiceField(label="Année", coerce=int)

    def __init__(
        self, *args, contracts, contract=None, years, show_organisation, many=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["marche"].queryset = contracts
        self.fields["marche"].show_organisation = show_organisation
        if many:
            # Thousands of contracts (a national reader) make no list to choose from: the
            # contract is found by the search next to the form, and carried here hidden.
            self.fields["marche"].widget = forms.HiddenInput()
        if contract is not None:
            self.fields["lot"].queryset = (
                contract.lots.filter(clause__isnull=False)
                .select_related("contract")
                .order_by("number")
            )
            self.fields["entreprise"].queryset = Company.objects.filter(
                pk__in=contract.lots.values("missions__company")
            ).order_by("name")
        else:
            self.fields["lot"].queryset = Lot.objects.none()
            self.fields["entreprise"].queryset = Company.objects.none()
        self.fields["annee"].choices = [(year, str(year)) for year in years]


class HoursMonthForm(DsfrForm):
    """Which month (and company) the month's entry shows, and whether only the missions
    still without hours."""

    mois = forms.TypedChoiceField(label="Mois", coerce=datetime.date.fromisoformat)
    entreprise = forms.ModelChoiceField(
        label="Entreprise", queryset=None, required=False, empty_label="Toutes les entreprises"
    )
    sans_heures = forms.BooleanField(label="Seulement les missions sans heures", required=False)

    def __init__(self, *args, months, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mois"].choices = [
            (month.isoformat(), services.month_label(month)) for month in months
        ]
        self.fields["entreprise"].queryset = companies
