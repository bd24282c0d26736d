"""Declarative demo data: fictitious organisations and people in real territories.

Names are invented (any resemblance to an existing structure is accidental); territory
codes are real INSEE codes (COG 2026) loaded by ``manage.py load_territories``.
Natural keys: organisations by name, users by e-mail.
"""

import dataclasses

from clauses.accounts.enums import FacilitatorKind, OrganisationKind, Role


@dataclasses.dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    facilitator_kind: str
    region: str | None  # region code
    departement: str | None  # département code
    commune: str | None  # commune code, attached only when the communes are loaded


@dataclasses.dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    organisation: str  # key in ORGANISATIONS
    role: str
    is_admin: bool = False
    scope_region: str | None = None
    scope_departement: str | None = None


# Territories the demo needs: region code -> name, département code -> (name, region code).
REGIONS = {
    "11": "Île-de-France",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "32": "Hauts-de-France",
    "93": "Provence-Alpes-Côte d'Azur",
    "04": "La Réunion",
}
DEPARTEMENTS = {
    "93": ("Seine-Saint-Denis", "11"),
    "75": ("Paris", "11"),
    "31": ("Haute-Garonne", "76"),
    "34": ("Hérault", "76"),
    "69": ("Rhône", "84"),
    "38": ("Isère", "84"),
    "59": ("Nord", "32"),
    "13": ("Bouches-du-Rhône", "93"),
    "974": ("La Réunion", "04"),
}

ORGANISATIONS = {
    # Facilitator structures, of several kinds.
    "plie_93": DemoOrganisation(
        "PLIE Plaine Seine-Est",
        OrganisationKind.FACILITATOR,
        FacilitatorKind.PLIE,
        "11",
        "93",
        "93066",
    ),
    "mde_31": DemoOrganisation(
        "Maison de l'emploi Garonne Confluences",
        OrganisationKind.FACILITATOR,
        FacilitatorKind.MDE,
        "76",
        "31",
        "31555",
    ),
    "epci_69": DemoOrganisation(
        "Communauté d'agglomération Rhône-Vallons",
        OrganisationKind.FACILITATOR,
        FacilitatorKind.EPCI,
        "84",
        "69",
        "69266",
    ),
    "dep_59": DemoOrganisation(
        "Mission départementale clauses et insertion Nord-Flandres",
        OrganisationKind.FACILITATOR,
        FacilitatorKind.DEPARTEMENT,
        "32",
        "59",
        "59350",
    ),
    "plie_974": DemoOrganisation(
        "PLIE Océan Indien Nord",
        OrganisationKind.FACILITATOR,
        FacilitatorKind.PLIE,
        "04",
        "974",
        "97411",
    ),
    "region_76": DemoOrganisation(
        "Coordination régionale des clauses sociales d'Occitanie",
        OrganisationKind.FACILITATOR,
        FacilitatorKind.REGION,
        "76",
        None,
        "34172",
    ),
    # Buyers.
    "buyer_93": DemoOrganisation(
        "Seine-Est Habitat (office public de l'habitat)",
        OrganisationKind.BUYER,
        "",
        "11",
        "93",
        "93048",
    ),
    "buyer_31": DemoOrganisation(
        "Métropole Garonne-Pyrénées",
        OrganisationKind.BUYER,
        "",
        "76",
        "31",
        "31555",
    ),
    "buyer_13": DemoOrganisation(
        "Centre hospitalier de la Côte Bleue",
        OrganisationKind.BUYER,
        "",
        "93",
        "13",
        "13055",
    ),
    # Companies.
    "company_93": DemoOrganisation(
        "Construire Ensemble BTP",
        OrganisationKind.COMPANY,
        "",
        "11",
        "93",
        "93066",
    ),
    "company_59": DemoOrganisation(
        "Propreté des Flandres",
        OrganisationKind.COMPANY,
        "",
        "32",
        "59",
        "59512",
    ),
    # Structures of insertion through economic activity.
    "siae_93": DemoOrganisation(
        "ETTI Tremplin Travail 93",
        OrganisationKind.SIAE,
        "",
        "11",
        "93",
        "93066",
    ),
    "siae_34": DemoOrganisation(
        "Atelier chantier d'insertion Les Jardins du Lez",
        OrganisationKind.SIAE,
        "",
        "76",
        "34",
        "34172",
    ),
    "siae_974": DemoOrganisation(
        "Entreprise d'insertion Ressourcerie des Hauts",
        OrganisationKind.SIAE,
        "",
        "04",
        "974",
        "97415",
    ),
    # National network and other actors.
    "national": DemoOrganisation(
        "Réseau national des facilitateurs de la clause sociale",
        OrganisationKind.NATIONAL_NETWORK,
        "",
        None,
        None,
        None,
    ),
    "other_38": DemoOrganisation(
        "Association Habitat et Quartiers Solidaires",
        OrganisationKind.OTHER,
        "",
        "84",
        "38",
        "38185",
    ),
}

# One user per role, plus an organisation administrator.
USERS = [
    DemoUser("facilitateur@example.org", "Camille", "Moreau", "plie_93", Role.FACILITATOR),
    DemoUser(
        "admin.structure@example.org", "Nadia", "Benali", "plie_93", Role.FACILITATOR, is_admin=True
    ),
    DemoUser(
        "coordinateur.region@example.org",
        "Julien",
        "Roux",
        "region_76",
        Role.COORDINATOR,
        scope_region="76",
    ),
    DemoUser(
        "coordinateur.departement@example.org",
        "Sophie",
        "Lefebvre",
        "dep_59",
        Role.COORDINATOR,
        scope_departement="59",
    ),
    DemoUser("admin.national@example.org", "Claire", "Garnier", "national", Role.NATIONAL_ADMIN),
    DemoUser("lecteur@example.org", "Thomas", "Girard", "buyer_93", Role.READER),
    DemoUser("entreprise@example.org", "Karim", "Haddad", "company_93", Role.COMPANY),
]
