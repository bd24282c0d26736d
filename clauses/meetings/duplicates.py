"""Registrations of one meeting that look like the same person registered twice.

Two registrations are grouped when their normalised names are equal (accents, case,
hyphens and spaces ignored; first and last name in either order) or their normalised
e-mail addresses are (case ignored; for Gmail-like providers, dots and the ``+suffix`` of
the local part ignored, googlemail.com read as gmail.com). The exact same address cannot
be registered twice while active: the database forbids it.
"""

import re
import unicodedata

# Providers that ignore dots in the local part (and deliver "+suffix" to the same box).
DOTLESS_DOMAINS = {"gmail.com", "googlemail.com"}
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}


def normalise_text(value):
    value = unicodedata.normalize("NFKD", value or "")
    value = "".join(c for c in value if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", value.casefold()).strip()


def normalise_name(first_name, last_name):
    """The same key for « Élodie Martin-Durand », « elodie martin durand » and
    « MARTIN DURAND Élodie »."""
    words = sorted(f"{normalise_text(first_name)} {normalise_text(last_name)}".split())
    return " ".join(words)


def name_sort_key(registration):
    """Alphabetical order as people expect it: « Bègue » between « Bazin » and « Blin »."""
    return (
        normalise_text(registration.last_name),
        normalise_text(registration.first_name),
        registration.pk,
    )


def normalise_email(email):
    local, _, domain = (email or "").strip().casefold().rpartition("@")
    if not local:
        return domain
    domain = DOMAIN_ALIASES.get(domain, domain)
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def duplicate_groups(registrations):
    """Groups (lists of two or more registrations, in the given order) that look like the
    same person. A registration belongs to at most one group (union of both criteria)."""
    registrations = list(registrations)
    parent = list(range(len(registrations)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_seen = {}
    for index, registration in enumerate(registrations):
        if registration.anonymised_at is not None:
            continue
        keys = [("email", normalise_email(registration.email))]
        name = normalise_name(registration.first_name, registration.last_name)
        if name:
            keys.append(("name", name))
        for key in keys:
            if key in first_seen:
                parent[find(index)] = find(first_seen[key])
            else:
                first_seen[key] = index
    groups = {}
    for index in range(len(registrations)):
        groups.setdefault(find(index), []).append(registrations[index])
    return [group for group in groups.values() if len(group) > 1]


def duplicate_marks(registrations):
    """{registration pk: group number (1, 2, ...)} for the registrations in a group."""
    marks = {}
    for number, group in enumerate(duplicate_groups(registrations), start=1):
        for registration in group:
            marks[registration.pk] = number
    return marks
