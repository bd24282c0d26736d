"""The pseudonymous key that counts a person once across structures.

Two facilitator structures may follow the same person in one year: each has its own
participant record, and the national figures must count one person. Each participant
carries ``person_key``, a keyed hash (HMAC-SHA256, secret ``settings.PERSON_KEY_SECRET``) of
the normalised family name, first names and birth date: the same person gets the same key
in every structure, and nobody can recompute it without the secret. It is stored, used by
the figures to count distinct people, and never shown nor exported.

Normalisation: lower case, no accents, « œ » as « oe », only letters kept (« Jean-Pierre »,
« Jean Pierre » and « JEAN PIERRE » agree), birth date in ISO form.

A participant without a family name, a first name or a birth date cannot be matched across
structures: its key hashes the structure and its internal identifier instead, so it counts
once within its structure. Such keys start with ``LOCAL_PREFIX`` so that the figures say how
many people were counted that way.
"""

import hashlib
import hmac

from django.conf import settings

from clauses.core.text import fold

PERSON_PREFIX = "p"
LOCAL_PREFIX = "s"
KEY_LENGTH = 1 + 64  # prefix + SHA-256 in hexadecimal


def _letters(text):
    return "".join(c for c in fold(text) if c.isalpha())


def _hash(message):
    secret = settings.PERSON_KEY_SECRET.encode()
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def person_key(*, last_name, first_name, birth_date, organisation_id, identifier):
    """The key of a participant (see the module's docstring)."""
    last, first = _letters(last_name), _letters(first_name)
    if last and first and birth_date:
        return PERSON_PREFIX + _hash(f"{last}|{first}|{birth_date.isoformat()}")
    return LOCAL_PREFIX + _hash(f"{organisation_id}|{(identifier or '').strip().lower()}")


def key_of(participant):
    """The key ``participant``'s current fields give."""
    return person_key(
        last_name=participant.last_name,
        first_name=participant.first_name,
        birth_date=participant.birth_date,
        organisation_id=participant.organisation_id,
        identifier=participant.identifier,
    )
