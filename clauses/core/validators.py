"""Field validators shared by forms, services and imports (messages in French)."""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_exceptions
from stdnum.fr import siret as stdnum_siret

MIN_PLAUSIBLE_YEAR = 1900
MAX_PLAUSIBLE_YEAR = 2100


def normalise_siret(value):
    """Digits only: « 732 829 320 00074 » -> « 73282932000074 »."""
    return "".join(ch for ch in str(value or "") if not ch.isspace() and ch not in ".-")


def validate_siret(value):
    """A SIRET has 14 digits and a valid Luhn key (La Poste's establishments excepted)."""
    number = normalise_siret(value)
    try:
        stdnum_siret.validate(number)
    except stdnum_exceptions.InvalidLength:
        raise ValidationError(
            f"Le SIRET « {value} » doit comporter 14 chiffres.", code="siret_length"
        ) from None
    except stdnum_exceptions.InvalidFormat:
        raise ValidationError(
            f"Le SIRET « {value} » ne doit contenir que des chiffres.", code="siret_format"
        ) from None
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            f"Le SIRET « {value} » n'est pas valide (clé de contrôle incorrecte).",
            code="siret_checksum",
        ) from None


def validate_plausible_date(value):
    """Refuse typing slips such as 0218-03-01 or 2202-01-01."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if value and not (MIN_PLAUSIBLE_YEAR <= value.year <= MAX_PLAUSIBLE_YEAR):
        raise ValidationError(
            f"La date {value.strftime('%d/%m/%Y') if value.year >= 1000 else value.isoformat()} "
            f"n'est pas plausible (année attendue entre {MIN_PLAUSIBLE_YEAR} et "
            f"{MAX_PLAUSIBLE_YEAR}).",
            code="implausible_date",
        )


def validate_no_control_characters(value):
    """Refuse control characters (a pasted bell, a NUL...) in free text; line breaks and
    tabs are text."""
    for position, character in enumerate(value or "", start=1):
        if unicodedata.category(character) == "Cc" and character not in "\n\r\t":
            raise ValidationError(
                f"Le texte contient un caractère de contrôle invisible (code "
                f"{ord(character)}, position {position}) : retirez-le.",
                code="control_character",
            )
