"""Forms of the procurement side of the workspace: buyers, operations, contracts, lots with
their clause, companies, and the list filters.

Forms only shape the input; the rules (SIRET keys, plausible dates, a lot never without
its clause, same organisation) live in ``clauses.procurement.services``, whose errors the
views attach to the field they name.
"""

from decimal import Decimal

from django import forms

from clauses.accounts.enums import OrganisationKind
from clauses.accounts.models import Organisation
from clauses.core.forms import DsfrForm
from clauses.procurement import perms
from clauses.procurement.enums import (
    BuyerKind,
    CalculationMethod,
    CompanyKind,
    ContractKind,
    LegalBasis,
    LotRole,
)
from clauses.procurement.models import Buyer, Company, Operation
from clauses.procurement.services import CLAUSE_FIELDS, LOT_FIELDS
from clauses.territories.models import Commune, Departement, Qpv, Region

HUNDRED = Decimal(100)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _choices(label, choices, *, required=True, empty="Choisissez"):
    return forms.ChoiceField(label=label, choices=[("", empty), *choices], required=required)


def _siret():
    # Spaces, dots and dashes are accepted: the service keeps the 14 digits.
    return forms.CharField(
        label="SIRET",
        max_length=20,
        help_text="14 chiffres, espaces acceptés. Ex. : 732 829 320 00074.",
    )


def _amount(label, **kwargs):
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_digits=14, decimal_places=2, **kwargs
    )


def _percent(label, **kwargs):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=2,
        **kwargs,
    )


def _share(value):
    """A percentage typed in the form, as the share stored in the database."""
    return None if value is None else value / HUNDRED


def _as_percent(share):
    return None if share is None else (share * HUNDRED).normalize()


class BuyerForm(DsfrForm):
    name = forms.CharField(label="Nom de l'acheteur", max_length=255)
    siret = _siret()
    kind = _choices("Type d'acheteur", BuyerKind.choices)
    departement = forms.ModelChoiceField(
        label="Département",
        queryset=Departement.objects.order_by("code"),
        required=False,
        empty_label="Non renseigné",
    )
    account = forms.ModelChoiceField(
        label="Compte de l'acheteur sur la plateforme",
        queryset=Organisation.objects.active().filter(kind=OrganisationKind.BUYER).order_by("name"),
        required=False,
        empty_label="Aucun",
        help_text="Les membres de cette organisation liront ses marchés, sans les noms des "
        "participants.",
    )

    @classmethod
    def initial_for(cls, buyer):
        return {
            "name": buyer.name,
            "siret": buyer.siret,
            "kind": buyer.kind,
            "departement": buyer.departement_id,
            "account": buyer.account_id,
        }


class OperationForm(DsfrForm):
    name = forms.CharField(label="Nom de l'opération", max_length=255)
    buyer = forms.ModelChoiceField(
        label="Maître d'ouvrage principal",
        queryset=Buyer.objects.none(),
        required=False,
        empty_label="Aucun",
    )
    is_npnru = forms.BooleanField(
        label="Opération du NPNRU (charte ANRU)",
        required=False,
        help_text="La charte d'insertion de l'ANRU fixe un objectif d'heures pour les "
        "habitants des quartiers prioritaires.",
    )
    qpv = forms.CharField(
        label="Quartier prioritaire concerné (code QPV)",
        max_length=10,
        required=False,
        help_text="Ex. : QN09301M (liste 2024) ou QP093028 (liste 2015).",
    )
    anru_target_rate = _percent(
        "Objectif ANRU (% des heures travaillées)",
        help_text="5 % pour les travaux financés, 10 % pour la gestion urbaine de proximité.",
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer"].queryset = Buyer.objects.for_organisation(organisation)

    @classmethod
    def initial_for(cls, operation):
        return {
            "name": operation.name,
            "buyer": operation.buyer_id,
            "is_npnru": operation.is_npnru,
            "qpv": operation.qpv.code if operation.qpv_id else "",
            "anru_target_rate": _as_percent(operation.anru_target_rate),
            "description": operation.description,
        }

    def clean_qpv(self):
        code = self.cleaned_data["qpv"].strip().upper()
        if not code:
            return None
        qpv = Qpv.objects.filter(code=code).order_by("-list_year").first()
        if qpv is None:
            raise forms.ValidationError(f"Aucun quartier prioritaire n'a le code « {code} ».")
        return qpv

    def service_values(self):
        values = dict(self.cleaned_data)
        values["anru_target_rate"] = _share(values["anru_target_rate"])
        return values


class ContractForm(DsfrForm):
    buyer = forms.ModelChoiceField(
        label="Acheteur", queryset=Buyer.objects.none(), empty_label="Choisissez"
    )
    operation = forms.ModelChoiceField(
        label="Opération", queryset=Operation.objects.none(), required=False, empty_label="Aucune"
    )
    reference = forms.CharField(
        label="Référence du marché", max_length=64, help_text="Ex. : 2025-TX-0042."
    )
    object = forms.CharField(label="Objet du marché", max_length=500)
    kind = _choices("Nature du marché", ContractKind.choices)
    cpv_code = forms.CharField(
        label="Code CPV", max_length=10, required=False, help_text="Ex. : 45453000."
    )
    amount_excl_tax = _amount("Montant HT (€)")
    notification_date = forms.DateField(
        label="Date de notification", required=False, widget=DateInput()
    )
    duration_months = forms.IntegerField(
        label="Durée (mois)", required=False, min_value=1, max_value=32767
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer"].queryset = Buyer.objects.for_organisation(organisation)
        self.fields["operation"].queryset = Operation.objects.for_organisation(organisation)

    @classmethod
    def initial_for(cls, contract):
        initial = {name: getattr(contract, name) for name in cls.base_fields}
        initial.update(buyer=contract.buyer_id, operation=contract.operation_id)
        return initial


class LotForm(DsfrForm):
    """A lot and its social clause, saved together (a lot without a clause is refused)."""

    number = forms.CharField(
        label="Numéro de lot", max_length=16, help_text="« 1 » pour un marché sans lots."
    )
    title = forms.CharField(label="Intitulé du lot", max_length=255, required=False)
    amount_excl_tax = _amount("Montant HT du lot (€)")
    legal_basis = _choices(
        "Fondement juridique de la clause",
        LegalBasis.choices,
    )
    required_hours = forms.DecimalField(
        label="Heures d'insertion exigées",
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    calculation_method = forms.ChoiceField(
        label="Mode de calcul", choices=CalculationMethod.choices, initial=CalculationMethod.RATE
    )
    labour_share = _percent("Part de main-d'œuvre (%)", help_text="Ex. : 50 pour la maçonnerie.")
    insertion_rate = _percent("Taux d'insertion (%)", help_text="Usuellement de 5 à 20.")
    hourly_cost = forms.DecimalField(
        label="Coût horaire chargé (€)",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        help_text="Usuellement de 25 à 30 €.",
    )
    calculation_note = forms.CharField(
        label="Explication du calcul",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que l'acheteur a retenu, pour le retrouver dans un an.",
    )
    anru_target_hours = forms.DecimalField(
        label="Objectif ANRU (heures pour des habitants des QPV)",
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A lot is never saved without its clause: say so where the field is missing.
        self.fields["legal_basis"].error_messages["required"] = (
            "Un lot suivi doit porter une clause sociale : choisissez son fondement juridique."
        )
        self.fields["required_hours"].error_messages["required"] = (
            "Un lot suivi doit porter une clause sociale : indiquez le nombre d'heures "
            "d'insertion exigées."
        )

    @classmethod
    def initial_for(cls, lot):
        initial = {name: getattr(lot, name) for name in LOT_FIELDS}
        clause = getattr(lot, "clause", None)
        if clause is not None:
            initial.update({name: getattr(clause, name) for name in CLAUSE_FIELDS})
            initial["labour_share"] = _as_percent(clause.labour_share)
            initial["insertion_rate"] = _as_percent(clause.insertion_rate)
        return initial

    def service_arguments(self):
        """(lot values, clause values) for ``services.save_lot``."""
        data = self.cleaned_data
        clause = {name: data[name] for name in CLAUSE_FIELDS}
        clause["labour_share"] = _share(clause["labour_share"])
        clause["insertion_rate"] = _share(clause["insertion_rate"])
        return {name: data[name] for name in LOT_FIELDS}, clause


class CompanyForm(DsfrForm):
    name = forms.CharField(label="Raison sociale", max_length=255)
    siret = _siret()
    kind = forms.ChoiceField(
        label="Type d'entreprise", choices=CompanyKind.choices, initial=CompanyKind.ORDINARY
    )
    commune = forms.CharField(
        label="Commune (code INSEE)", max_length=5, required=False, help_text="Ex. : 93008."
    )

    @classmethod
    def initial_for(cls, company):
        return {
            "name": company.name,
            "siret": company.siret,
            "kind": company.kind,
            "commune": company.commune.code if company.commune_id else "",
        }

    def clean_commune(self):
        code = self.cleaned_data["commune"].strip().upper()
        if not code:
            return None
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            raise forms.ValidationError(f"Aucune commune n'a le code INSEE « {code} ».")
        return commune


class LotCompanyForm(DsfrForm):
    company = forms.ModelChoiceField(
        label="Entreprise", queryset=Company.objects.none(), empty_label="Choisissez"
    )
    role = forms.ChoiceField(label="Rôle sur le lot", choices=LotRole.choices)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.for_organisation(organisation)


# Filters of the lists (GET): never required, never refused for an unknown value.


class _FilterForm(DsfrForm):
    q = forms.CharField(label="Rechercher", required=False, max_length=100)


class ContractFilterForm(_FilterForm):
    buyer = forms.ModelChoiceField(
        label="Acheteur", queryset=Buyer.objects.none(), required=False, empty_label="Tous"
    )
    kind = _choices("Nature", ContractKind.choices, required=False, empty="Toutes")
    operation = forms.ModelChoiceField(
        label="Opération", queryset=Operation.objects.none(), required=False, empty_label="Toutes"
    )
    year = forms.IntegerField(
        label="Année de notification", required=False, min_value=1900, max_value=2100
    )
    behind = forms.BooleanField(label="En retard sur le prorata", required=False)
    organisation = forms.ModelChoiceField(
        label="Structure",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Toutes",
    )
    region = forms.ModelChoiceField(
        label="Région de la structure",
        queryset=Region.objects.none(),
        required=False,
        empty_label="Toutes",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = "Référence, objet ou acheteur."
        self.fields["buyer"].queryset = Buyer.objects.for_user(user).order_by("name", "pk")
        self.fields["operation"].queryset = Operation.objects.for_user(user).order_by("name", "pk")
        if perms.reads_other_organisations(user):
            # Who reads several structures filters by structure and by region (the
            # territory rule of the figures: the structure's département, else its region).
            self.fields["organisation"].queryset = (
                Organisation.objects.for_user(user)
                .filter(kind=OrganisationKind.FACILITATOR)
                .order_by("name", "pk")
            )
            self.fields["region"].queryset = Region.objects.order_by("name")
        else:
            del self.fields["organisation"]
            del self.fields["region"]


class BuyerFilterForm(_FilterForm):
    kind = _choices("Type d'acheteur", BuyerKind.choices, required=False, empty="Tous")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = "Nom ou SIRET."


class OperationFilterForm(_FilterForm):
    npnru = forms.ChoiceField(
        label="NPNRU",
        choices=[("", "Toutes"), ("oui", "Opérations NPNRU"), ("non", "Hors NPNRU")],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = "Nom de l'opération ou de son maître d'ouvrage."


SIAE_CHOICE = "siae"


class CompanyFilterForm(_FilterForm):
    kind = forms.ChoiceField(
        label="Type d'entreprise",
        choices=[("", "Tous"), (SIAE_CHOICE, "Toutes les SIAE"), *CompanyKind.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = "Raison sociale ou SIRET."
