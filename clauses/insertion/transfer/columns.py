"""The documented import and export format of the tracking data (docs/import-format.md).

One sheet per object in an XLSX workbook, or one CSV file per object, with French column
headers. The order of ``SHEETS`` is the order of the import (an object refers only to
objects of earlier sheets) and of the export. Each object is found again by its natural
key, never by a database id, so a file exported from one organisation imports into another.
"""

import re
import unicodedata
from dataclasses import dataclass

from clauses.insertion.enums import (
    Criterion,
    EducationLevel,
    Modality,
    OutcomeDetail,
    OutcomeMoment,
    Prescriber,
    QpvSource,
    Sex,
    WorkContractType,
)
from clauses.procurement.enums import (
    BuyerKind,
    CalculationMethod,
    CompanyKind,
    ContractKind,
    LegalBasis,
    LotRole,
)

# Kinds of cells: how a value is read and written.
TEXT = "texte"
SIRET = "siret"
CHOICE = "choix"
DATE = "date"
MONTH = "mois"
DECIMAL = "nombre"
INTEGER = "entier"
PERCENT = "pourcentage"
BOOLEAN = "oui_non"

KIND_LABELS = {
    TEXT: "Texte",
    SIRET: "SIRET (14 chiffres, espaces tolérés)",
    CHOICE: "Code ou libellé de la liste",
    DATE: "Date JJ/MM/AAAA ou AAAA-MM-JJ",
    MONTH: "Mois MM/AAAA ou AAAA-MM",
    DECIMAL: "Nombre (virgule ou point décimal)",
    INTEGER: "Nombre entier",
    PERCENT: "Pourcentage (ex. 40 ou 40 %)",
    BOOLEAN: "Oui ou Non",
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    choices: type | None = None
    help: str = ""
    aliases: tuple = ()
    # Digits read as a number by a spreadsheet get their leading zeros back (postal codes).
    digits: int = 0

    @property
    def names(self):
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    file_stem: str
    description: str
    columns: tuple
    natural_key: tuple

    def column(self, key):
        return next(column for column in self.columns if column.key == key)

    @property
    def headers(self):
        return [column.header for column in self.columns]

    @property
    def required_keys(self):
        return {column.key for column in self.columns if column.required}


def normalise(text):
    """Header or label comparison: no case, accents, typographic apostrophes, extra spaces
    nor trailing asterisk (« Type d’acheteur * » == « type d'acheteur »)."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("\u2019", "'").replace("\u00a0", " ").replace("œ", "oe")
    text = text.rstrip("* ").strip()
    return re.sub(r"\s+", " ", text)


# Reference columns shared by the sheets that point to a lot, a company or a mission.
CONTRACT_REF = Column(
    "contract", "Référence du marché", required=True, help="Référence du marché dans « Marchés »."
)
LOT_NUMBER = Column(
    "lot", "Numéro de lot", required=True, help="« 1 » pour un marché sans lots.", aliases=("Lot",)
)
COMPANY_SIRET = Column(
    "company", "SIRET de l'entreprise", SIRET, required=True, help="SIRET dans « Entreprises »."
)
PARTICIPANT_ID = Column(
    "participant",
    "Identifiant participant",
    required=True,
    help="Identifiant interne à votre structure, dans « Participants ».",
)

BUYERS = Sheet(
    key="buyers",
    title="Acheteurs",
    file_stem="acheteurs",
    description="Les acheteurs publics (donneurs d'ordre, maîtres d'ouvrage), repérés par leur "
    "SIRET.",
    columns=(
        Column("siret", "SIRET", SIRET, required=True),
        Column("name", "Nom", required=True),
        Column("kind", "Type d'acheteur", CHOICE, required=True, choices=BuyerKind),
        Column("departement", "Département", help="Code INSEE, ex. 93 ou 2A.", digits=2),
    ),
    natural_key=("siret",),
)

OPERATIONS = Sheet(
    key="operations",
    title="Opérations",
    file_stem="operations",
    description="Les opérations qui regroupent des marchés (projet de renouvellement urbain…), "
    "repérées par leur nom.",
    columns=(
        Column("name", "Nom de l'opération", required=True),
        Column("buyer", "SIRET du maître d'ouvrage", SIRET, help="SIRET dans « Acheteurs »."),
        Column("is_npnru", "Opération NPNRU", BOOLEAN),
        Column("qpv", "Code QPV", help="Code du quartier prioritaire, ex. QN09301M."),
        Column(
            "anru_target_rate",
            "Objectif ANRU (%)",
            PERCENT,
            help="Part des heures travaillées : 5 % (travaux), 10 % (gestion urbaine).",
        ),
        Column("description", "Description"),
    ),
    natural_key=("name",),
)

CONTRACTS = Sheet(
    key="contracts",
    title="Marchés",
    file_stem="marches",
    description="Les marchés suivis, repérés par leur référence.",
    columns=(
        Column("reference", "Référence du marché", required=True),
        Column(
            "buyer", "SIRET de l'acheteur", SIRET, required=True, help="SIRET dans « Acheteurs »."
        ),
        Column("object", "Objet", required=True),
        Column("kind", "Nature du marché", CHOICE, required=True, choices=ContractKind),
        Column("operation", "Opération", help="Nom de l'opération dans « Opérations »."),
        Column("cpv_code", "Code CPV", digits=8),
        Column("amount_excl_tax", "Montant HT (€)", DECIMAL),
        Column("notification_date", "Date de notification", DATE),
        Column("duration_months", "Durée (mois)", INTEGER),
    ),
    natural_key=("reference",),
)

LOTS = Sheet(
    key="lots",
    title="Lots",
    file_stem="lots",
    description="Les lots des marchés et leur clause sociale (un lot suivi porte toujours une "
    "clause : fondement juridique et heures exigées).",
    columns=(
        CONTRACT_REF,
        Column("number", "Numéro de lot", required=True, help="« 1 » pour un marché sans lots."),
        Column("title", "Intitulé"),
        Column("amount_excl_tax", "Montant HT du lot (€)", DECIMAL),
        Column("legal_basis", "Fondement juridique", CHOICE, required=True, choices=LegalBasis),
        Column("required_hours", "Heures exigées", DECIMAL, required=True),
        Column("calculation_method", "Mode de calcul", CHOICE, choices=CalculationMethod),
        Column("labour_share", "Part de main-d'œuvre (%)", PERCENT),
        Column("insertion_rate", "Taux d'insertion (%)", PERCENT),
        Column("hourly_cost", "Coût horaire chargé (€)", DECIMAL),
        Column("calculation_note", "Explication du calcul"),
        Column("anru_target_hours", "Objectif ANRU (heures)", DECIMAL),
    ),
    natural_key=("contract", "number"),
)

COMPANIES = Sheet(
    key="companies",
    title="Entreprises",
    file_stem="entreprises",
    description="Les entreprises (et SIAE, GEIQ, EA, ESAT), repérées par leur SIRET.",
    columns=(
        Column("siret", "SIRET", SIRET, required=True),
        Column("name", "Raison sociale", required=True, aliases=("Nom",)),
        Column("kind", "Type d'entreprise", CHOICE, choices=CompanyKind),
        Column("postal_code", "Code postal", digits=5),
        Column("commune", "Commune"),
    ),
    natural_key=("siret",),
)

LOT_COMPANIES = Sheet(
    key="lot_companies",
    title="Entreprises des lots",
    file_stem="entreprises_des_lots",
    description="Le rôle de chaque entreprise sur un lot (titulaire, cotraitant, sous-traitant).",
    columns=(
        CONTRACT_REF,
        LOT_NUMBER,
        COMPANY_SIRET,
        Column("role", "Rôle", CHOICE, required=True, choices=LotRole),
    ),
    natural_key=("contract", "lot", "company"),
)

PARTICIPANTS = Sheet(
    key="participants",
    title="Participants",
    file_stem="participants",
    description="Les personnes suivies, repérées par l'identifiant interne de votre structure "
    "(jamais le numéro de sécurité sociale).",
    columns=(
        Column("identifier", "Identifiant participant", required=True, aliases=("Identifiant",)),
        Column("last_name", "Nom"),
        Column("first_name", "Prénom"),
        Column("birth_date", "Date de naissance", DATE),
        Column("sex", "Sexe", CHOICE, required=True, choices=Sex),
        Column("address", "Adresse"),
        Column("postal_code", "Code postal", digits=5),
        Column("commune", "Commune", help="Avec le code postal : la commune de résidence."),
        Column("qpv", "Code QPV", help="Quartier prioritaire de résidence, ex. QN09301M."),
        Column("qpv_list_year", "Millésime QPV", INTEGER, help="2015 ou 2024."),
        Column("qpv_source", "Origine du QPV", CHOICE, choices=QpvSource),
        Column("education_level", "Niveau de formation", CHOICE, choices=EducationLevel),
        Column("prescriber", "Prescripteur", CHOICE, choices=Prescriber),
        Column("exception_reason", "Motif de la dérogation"),
    ),
    natural_key=("identifier",),
)

ELIGIBILITIES = Sheet(
    key="eligibilities",
    title="Critères d'éligibilité",
    file_stem="eligibilite",
    description="Les critères d'éligibilité constatés, datés.",
    columns=(
        PARTICIPANT_ID,
        Column("criterion", "Critère", CHOICE, required=True, choices=Criterion),
        Column("assessed_on", "Constaté le", DATE, required=True),
        Column("valid_until", "Valable jusqu'au", DATE),
        Column("note", "Justificatif ou remarque"),
    ),
    natural_key=("participant", "criterion", "assessed_on"),
)

MISSIONS = Sheet(
    key="missions",
    title="Missions",
    file_stem="missions",
    description="Le travail d'un participant sur un lot pour une entreprise, repéré par le "
    "participant, le lot, l'entreprise et la date de début.",
    columns=(
        PARTICIPANT_ID,
        CONTRACT_REF,
        LOT_NUMBER,
        COMPANY_SIRET,
        Column("modality", "Modalité", CHOICE, required=True, choices=Modality),
        Column(
            "work_contract_type",
            "Type de contrat de travail",
            CHOICE,
            required=True,
            choices=WorkContractType,
        ),
        Column("start_date", "Début", DATE, required=True, aliases=("Date de début",)),
        Column("end_date", "Fin", DATE, aliases=("Date de fin",)),
    ),
    natural_key=("participant", "contract", "lot", "company", "start_date"),
)

MISSION_START = Column(
    "mission_start",
    "Début de la mission",
    DATE,
    help="Facultatif quand une seule mission du participant sur ce lot et avec cette "
    "entreprise couvre le mois.",
)

HOURS = Sheet(
    key="hours",
    title="Heures",
    file_stem="heures",
    description="Les heures d'insertion travaillées, une ligne par mission et par mois.",
    columns=(
        PARTICIPANT_ID,
        CONTRACT_REF,
        LOT_NUMBER,
        COMPANY_SIRET,
        MISSION_START,
        Column("month", "Mois", MONTH, required=True),
        Column(
            "hours",
            "Heures",
            DECIMAL,
            required=True,
            help="0 (ou vide) retire une déclaration existante.",
        ),
    ),
    natural_key=("participant", "contract", "lot", "company", "mission_start", "month"),
)

OUTCOMES = Sheet(
    key="outcomes",
    title="Sorties",
    file_stem="sorties",
    description="La situation du participant à la fin d'une mission terminée, et six mois après.",
    columns=(
        PARTICIPANT_ID,
        CONTRACT_REF,
        LOT_NUMBER,
        COMPANY_SIRET,
        Column("mission_start", "Début de la mission", DATE, required=True),
        Column("moment", "Moment", CHOICE, required=True, choices=OutcomeMoment),
        Column("detail", "Situation", CHOICE, required=True, choices=OutcomeDetail),
        Column("observed_on", "Constatée le", DATE, required=True),
        Column("note", "Remarque"),
    ),
    natural_key=("participant", "contract", "lot", "company", "mission_start", "moment"),
)

SHEETS = (
    BUYERS,
    OPERATIONS,
    CONTRACTS,
    LOTS,
    COMPANIES,
    LOT_COMPANIES,
    PARTICIPANTS,
    ELIGIBILITIES,
    MISSIONS,
    HOURS,
    OUTCOMES,
)
SHEETS_BY_KEY = {sheet.key: sheet for sheet in SHEETS}
# Sheets of a workbook that are read by people, never imported.
IGNORED_SHEETS = {normalise("Mode d'emploi"), normalise("Listes de valeurs")}


def sheet_for_name(name):
    """The sheet whose title or file name is ``name`` (a sheet title, a file stem)."""
    wanted = normalise(name).replace("_", " ").replace("-", " ")
    for sheet in SHEETS:
        if wanted in {normalise(sheet.title), sheet.file_stem.replace("_", " ")}:
            return sheet
    return None


def sheet_mentioned_in(filename):
    """The sheet a file name mentions (« 2025-heures.csv » -> HOURS), the longest match first."""
    name = normalise(filename).replace("_", " ").replace("-", " ")
    name = re.sub(r"\.(csv|txt|xlsx)$", "", name)
    found = None
    for sheet in SHEETS:
        for label in (normalise(sheet.title), sheet.file_stem.replace("_", " ")):
            if re.search(rf"(^|[^a-z]){re.escape(label)}([^a-z]|$)", name) and (
                found is None or len(label) > len(found[1])
            ):
                found = (sheet, label)
    return found[0] if found else None


def choice_lookup(enum):
    """{normalised code or label: code} for a TextChoices."""
    lookup = {}
    for value, label in enum.choices:
        lookup[normalise(label)] = value
        lookup[normalise(value)] = value
    return lookup
