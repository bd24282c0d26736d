from decimal import Decimal

from django import forms

from clauses.core.forms import DsfrForm
from clauses.procurement import calculator
from clauses.procurement.calculator import AnruScope
from clauses.procurement.enums import CalculationMethod, ContractKind
from clauses.procurement.models import LabourShare

HUNDRED = Decimal(100)


class NumberField(forms.CharField):
    """A number typed the French way: « 1 250 000,50 », « 5 % », « 30 € »."""

    def __init__(self, *, invalid, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)
        self.invalid_message = invalid

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return calculator.parse_decimal(value)
        except ValueError as exc:
            raise forms.ValidationError(self.invalid_message, code="invalid") from exc


def percent_text(share):
    """0.5 → « 50 », for a percentage input."""
    return calculator.format_percent(share).replace("\u00a0%", "").replace("\u00a0", " ")


def number_text(value):
    """1200000 → « 1 200 000 » (plain spaces: it is typed into an input)."""
    decimals = 0 if value == value.to_integral_value() else 2
    return calculator.format_number(value, decimals).replace("\u00a0", " ")


class CalculatorForm(DsfrForm):
    """The calculator's inputs. Percentages are typed in % and handed over as fractions.

    ``prefilled_trade`` remembers which trade filled the labour share: choosing another
    trade replaces the share, a share typed by hand is kept (see ``prefill``)."""

    amount = NumberField(
        label="Montant HT (€)",
        help_text="Montant du marché ou du lot, hors taxes. Exemple : 1 200 000",
        invalid="Le montant HT doit être un nombre, par exemple 1 200 000 ou 85 000,50.",
    )
    trade = forms.ModelChoiceField(
        label="Corps d'état ou type de prestation",
        queryset=LabourShare.objects.all(),
        required=False,
        empty_label="Je saisis la part moi-même",
        help_text="Choisir un corps d'état renseigne sa part de main-d'œuvre publiée, "
        "que vous pouvez ajuster.",
        error_messages={
            "invalid_choice": "Ce corps d'état n'existe pas ou plus : choisissez-en un autre."
        },
    )
    labour_share = NumberField(
        label="Part de main-d'œuvre (%)",
        required=False,
        help_text="Part du montant qui paie du travail. Exemple : 50",
        invalid="La part de main-d'œuvre doit être un pourcentage, par exemple 50 ou 37,5.",
    )
    method = forms.ChoiceField(
        label="Mode de calcul",
        choices=[
            (CalculationMethod.RATE, "Taux d'insertion appliqué au montant (cas général)"),
            (CalculationMethod.ANRU, "Charte ANRU (opération NPNRU) : part des heures travaillées"),
        ],
        initial=CalculationMethod.RATE,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choisissez un mode de calcul proposé."},
    )
    insertion_rate = NumberField(
        label="Taux d'insertion (%)",
        required=False,
        initial="5",
        help_text="Mode « taux » : le plus souvent entre 5 et 20 %.",
        invalid="Le taux d'insertion doit être un pourcentage, par exemple 5 ou 7,5.",
    )
    anru_scope = forms.ChoiceField(
        label="Objectif de la charte ANRU",
        choices=AnruScope.CHOICES,
        initial=AnruScope.WORKS,
        required=False,
        help_text="Mode « charte ANRU » : heures réservées aux habitants des quartiers "
        "prioritaires.",
    )
    hourly_cost = NumberField(
        label="Coût horaire chargé (€)",
        initial="30",
        help_text="Salaire horaire toutes charges comprises, souvent entre 25 et 30 €.",
        invalid="Le coût horaire chargé doit être un nombre, par exemple 30 ou 27,50.",
    )
    prefilled_trade = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trade"].label_from_instance = trade_label
        for name in ("amount", "labour_share", "insertion_rate", "hourly_cost"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.calculation = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        trade = data.get("trade")
        share = data.get("labour_share")
        rate = data.get("insertion_rate")
        values = {
            "amount": data.get("amount"),
            "labour_share": None if share is None else share / HUNDRED,
            "insertion_rate": None if rate is None else rate / HUNDRED,
            "hourly_cost": data.get("hourly_cost"),
        }
        method = data.get("method") or CalculationMethod.RATE
        scope = data.get("anru_scope") or AnruScope.WORKS
        errors = calculator.check(**values, method=method, anru_scope=scope)
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)
        if not errors:
            self.calculation = calculator.calculate(
                **values, method=method, anru_scope=scope, trade=trade.trade if trade else ""
            )
        return data

    def carried_values(self):
        """The typed inputs, for the hidden fields of the « apply to a lot » form."""
        return [(name, self.data.get(name, "")) for name in APPLY_FIELDS]


def trade_label(labour_share):
    return f"{labour_share.trade} — {calculator.format_percent(labour_share.share)}"


APPLY_FIELDS = [
    "amount",
    "trade",
    "labour_share",
    "method",
    "insertion_rate",
    "anru_scope",
    "hourly_cost",
]


def prefill(data, shares):
    """Copy of the query ``data`` where a newly chosen trade fills the labour share.

    Returns (data, changed): ``changed`` is True when the share was (re)filled, so the page
    swaps the share input in. A share typed after choosing the trade is kept."""
    data = data.copy()
    trade_id = data.get("trade") or ""
    previous = data.get("prefilled_trade") or ""
    share = next((s for s in shares if str(s.pk) == trade_id), None)
    if share is None:
        if previous:
            data["prefilled_trade"] = ""
            return data, True
        return data, False
    if trade_id != previous or not (data.get("labour_share") or "").strip():
        data["labour_share"] = percent_text(share.share)
        data["prefilled_trade"] = str(share.pk)
        return data, True
    return data, False


class ApplyForm(DsfrForm):
    lot = forms.ModelChoiceField(
        label="Lot",
        queryset=None,
        empty_label="Choisissez un lot",
        error_messages={
            "required": "Choisissez le lot auquel appliquer le calcul.",
            "invalid_choice": "Ce lot n'est pas suivi par votre structure ou n'a pas de clause.",
        },
    )

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots
        self.fields["lot"].label_from_instance = lot_label


def lot_label(lot):
    label = f"{lot.contract.reference} — {lot}"
    if lot.amount_excl_tax is not None:
        label += f" ({calculator.format_euros(lot.amount_excl_tax)} HT)"
    return f"{label} : {calculator.format_number(lot.clause.required_hours)} h exigées"


class LabourShareForm(DsfrForm):
    trade = forms.CharField(label="Corps d'état ou type de prestation", max_length=150)
    contract_kind = forms.ChoiceField(label="Nature de marché", choices=ContractKind.choices)
    share = NumberField(
        label="Part de main-d'œuvre (%)",
        invalid="La part de main-d'œuvre doit être un pourcentage, par exemple 50 ou 37,5.",
    )
    source = forms.CharField(
        label="Source",
        max_length=255,
        required=False,
        help_text="Publication, guide ou étude d'où vient la valeur (titre, lien).",
    )
    position = forms.IntegerField(
        label="Ordre d'affichage",
        min_value=0,
        max_value=32767,
        initial=0,
        help_text="Les corps d'état s'affichent du plus petit au plus grand numéro.",
    )

    def clean_share(self):
        share = self.cleaned_data["share"]
        if share is None or not Decimal(0) <= share <= HUNDRED:
            raise forms.ValidationError(
                "La part de main-d'œuvre doit être comprise entre 0 et 100 %."
            )
        return (share / HUNDRED).quantize(Decimal("0.0001"))

    @classmethod
    def initial_for(cls, labour_share):
        return {
            "trade": labour_share.trade,
            "contract_kind": labour_share.contract_kind,
            "share": percent_text(labour_share.share),
            "source": labour_share.source,
            "position": labour_share.position,
        }
