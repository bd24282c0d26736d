"""Every write on buyers, operations, contracts, lots, clauses and companies goes through here.

Functions take keyword arguments, run in one transaction, validate with the models' own
validators (French messages naming the field) and write an audit entry. A rule broken
raises ``DomainError(message, field=...)`` and nothing is saved.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from clauses.core import audit
from clauses.core.exceptions import DomainError
from clauses.core.validators import normalise_siret

from .models import Buyer, Clause, Company, Contract, LabourShare, Lot, LotCompany, Operation

BUYER_FIELDS = ["name", "siret", "kind", "departement", "account"]
OPERATION_FIELDS = ["name", "buyer", "is_npnru", "qpv", "anru_target_rate", "description"]
CONTRACT_FIELDS = [
    "buyer",
    "operation",
    "reference",
    "object",
    "kind",
    "cpv_code",
    "amount_excl_tax",
    "notification_date",
    "duration_months",
]
LOT_FIELDS = ["number", "title", "amount_excl_tax"]
CLAUSE_FIELDS = [
    "legal_basis",
    "required_hours",
    "calculation_method",
    "labour_share",
    "insertion_rate",
    "hourly_cost",
    "calculation_note",
    "anru_target_hours",
]
COMPANY_FIELDS = ["name", "siret", "kind", "commune"]


def full_clean_or_raise(instance, *, exclude=None):
    """Run the model validation; raise the first error as a DomainError naming its field."""
    try:
        instance.full_clean(exclude=exclude, validate_constraints=True)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        field, messages = next(iter(errors.items()))
        if field == "__all__":
            field = None
        label = _field_label(instance, field)
        message = messages[0]
        raise DomainError(f"{label} : {message}" if label else message, field=field) from exc


def _field_label(instance, field):
    if not field:
        return ""
    try:
        label = str(instance._meta.get_field(field).verbose_name)
        return label[:1].upper() + label[1:]
    except Exception:  # noqa: BLE001 - a non-field key such as a constraint name
        return ""


def _assign(instance, fields, values):
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    for field, value in values.items():
        setattr(instance, field, value)


def _check_same_organisation(organisation, **objects):
    for field, obj in objects.items():
        if obj is not None and getattr(obj, "organisation_id", organisation.pk) != organisation.pk:
            raise DomainError("Cet objet appartient à une autre structure.", field=field)


def _save(instance, *, actor, fields, values, created_action, updated_action):
    """Create (no pk) or update ``instance`` with ``values``, validate, save and audit."""
    is_new = instance.pk is None
    changes = {} if is_new else audit.diff(instance, fields, values)
    _assign(instance, fields, values)
    if "siret" in values:
        instance.siret = normalise_siret(instance.siret)
    full_clean_or_raise(instance)
    instance.save()
    if is_new or changes:
        audit.log(
            actor=actor,
            action=created_action if is_new else updated_action,
            obj=instance,
            changes=changes,
        )
    return instance


@transaction.atomic
def save_buyer(*, actor, organisation, buyer=None, **values):
    buyer = buyer or Buyer(organisation=organisation)
    return _save(
        buyer,
        actor=actor,
        fields=BUYER_FIELDS,
        values=values,
        created_action="procurement.buyer_created",
        updated_action="procurement.buyer_updated",
    )


@transaction.atomic
def save_operation(*, actor, organisation, operation=None, **values):
    _check_same_organisation(organisation, buyer=values.get("buyer"))
    operation = operation or Operation(organisation=organisation)
    return _save(
        operation,
        actor=actor,
        fields=OPERATION_FIELDS,
        values=values,
        created_action="procurement.operation_created",
        updated_action="procurement.operation_updated",
    )


@transaction.atomic
def save_contract(*, actor, organisation, contract=None, **values):
    _check_same_organisation(
        organisation, buyer=values.get("buyer"), operation=values.get("operation")
    )
    contract = contract or Contract(organisation=organisation)
    return _save(
        contract,
        actor=actor,
        fields=CONTRACT_FIELDS,
        values=values,
        created_action="procurement.contract_created",
        updated_action="procurement.contract_updated",
    )


@transaction.atomic
def save_lot(*, actor, contract, lot=None, clause, **values):
    """Create or update a lot together with its social clause (a lot without one is refused).

    ``clause`` is a dict of CLAUSE_FIELDS values.
    """
    if (
        not clause
        or clause.get("legal_basis") in (None, "")
        or clause.get("required_hours")
        in (
            None,
            "",
        )
    ):
        raise DomainError(
            "Un lot suivi doit porter une clause sociale : indiquez son fondement juridique "
            "et le nombre d'heures d'insertion exigées.",
            field="legal_basis",
        )
    lot = lot or Lot(contract=contract)
    lot = _save(
        lot,
        actor=actor,
        fields=LOT_FIELDS,
        values=values,
        created_action="procurement.lot_created",
        updated_action="procurement.lot_updated",
    )
    set_clause(actor=actor, lot=lot, **clause)
    return lot


def set_clause(*, actor, lot, **values):
    """Create or update the clause of ``lot`` (call inside a transaction)."""
    instance = Clause.objects.filter(lot=lot).first() or Clause(lot=lot)
    is_new = instance.pk is None
    changes = {} if is_new else audit.diff(instance, CLAUSE_FIELDS, values)
    _assign(instance, CLAUSE_FIELDS, values)
    full_clean_or_raise(instance)
    instance.save()
    if is_new or changes:
        audit.log(actor=actor, action="procurement.clause_set", obj=lot, changes=changes)
    return instance


@transaction.atomic
def apply_calculation(*, actor, lot, calculation):
    """Write a calculator result (``calculator.Calculation``) into the clause of ``lot``."""
    values = {
        "required_hours": calculation.hours,
        "calculation_method": calculation.method,
        "labour_share": calculation.labour_share,
        "insertion_rate": calculation.insertion_rate,
        "hourly_cost": calculation.hourly_cost,
        "calculation_note": calculation.formula,
    }
    existing = Clause.objects.filter(lot=lot).first()
    if existing is None:
        raise DomainError(
            "Ce lot n'a pas encore de clause : créez-la avant d'y appliquer un calcul.",
            field="lot",
        )
    if calculation.anru_target_hours is not None:
        values["anru_target_hours"] = calculation.anru_target_hours
    return set_clause(actor=actor, lot=lot, legal_basis=existing.legal_basis, **values)


@transaction.atomic
def save_company(*, actor, organisation, company=None, **values):
    company = company or Company(organisation=organisation)
    return _save(
        company,
        actor=actor,
        fields=COMPANY_FIELDS,
        values=values,
        created_action="procurement.company_created",
        updated_action="procurement.company_updated",
    )


@transaction.atomic
def set_lot_company(*, actor, lot, company, role):
    if company.organisation_id != lot.contract.organisation_id:
        raise DomainError("Cette entreprise appartient à une autre structure.", field="company")
    link, _ = LotCompany.objects.get_or_create(lot=lot, company=company, defaults={"role": role})
    if link.role != role:
        link.role = role
        full_clean_or_raise(link)
        link.save(update_fields=["role"])
    audit.log(
        actor=actor,
        action="procurement.lot_company_set",
        obj=lot,
        object_repr=f"{lot.contract.reference} {lot} — {company} ({link.get_role_display()})",
    )
    return link


@transaction.atomic
def remove_lot_company(*, actor, link):
    if link.lot.missions.filter(company=link.company).exists():
        raise DomainError(
            "Des missions sont rattachées à cette entreprise sur ce lot : "
            "supprimez-les ou changez leur entreprise d'abord.",
            field="company",
        )
    audit.log(
        actor=actor,
        action="procurement.lot_company_removed",
        obj=link.lot,
        object_repr=f"{link.lot.contract.reference} {link.lot} — {link.company}",
    )
    link.delete()


@transaction.atomic
def delete_contract(*, actor, contract):
    """Delete a contract and its lots, unless missions work on them (their lot is protected:
    procurement knows nothing of missions, the database refuses for it)."""
    audit.log(actor=actor, action="procurement.contract_deleted", obj=contract)
    try:
        with transaction.atomic():
            contract.delete()
    except ProtectedError:
        raise DomainError(
            "Ce marché porte des missions : supprimez-les avant de supprimer le marché."
        ) from None


@transaction.atomic
def save_labour_share(*, actor, labour_share=None, **values):
    labour_share = labour_share or LabourShare()
    fields = ["trade", "contract_kind", "share", "source", "position"]
    return _save(
        labour_share,
        actor=actor,
        fields=fields,
        values=values,
        created_action="procurement.labour_share_updated",
        updated_action="procurement.labour_share_updated",
    )


def round_hours(value):
    """Hours are kept to the unit, rounded half up."""
    return Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
