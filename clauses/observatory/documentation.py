"""``docs/indicators.md``, generated from the registry (``manage.py indicators --docs``):
the definitions a reader finds in the repository are the ones the pages and files use."""

from . import registry


def markdown():
    lines = [
        "# Indicateurs de la clause sociale",
        "",
        "<!-- Généré par `python manage.py indicators --docs > docs/indicators.md` depuis",
        "clauses/observatory/registry.py : ne pas modifier à la main. -->",
        "",
        "Chaque indicateur est défini une fois, dans `clauses/observatory/registry.py`, et",
        "calculé par `clauses/observatory/figures.py` pour toute échelle (France entière,",
        "région, département, structure, acheteur, opération, marché) et toute période",
        "(année civile ou suite de mois). Les pages, les fichiers CSV et XLSX, la commande",
        "`manage.py indicators` et l'API lisent ce registre.",
        "",
        "## Règles communes",
        "",
        f"- **Conversion** : {registry.etp_rule()} (réglage `HOURS_PER_ETP`), imprimée partout",
        "  où un ETP apparaît.",
        f"- **Période** : {registry.PERIOD_RULE}",
        f"- **Territoire** : {registry.TERRITORY_RULE}",
        f"- **Personnes comptées une fois** : {registry.DEDUPLICATION_RULE}",
        "- **Dénominateur** : chaque part dit ce qu'elle divise — des heures (donc des ETP) ou",
        "  des personnes. Les parts sont des fractions entre 0 et 1 dans les fichiers JSON,",
        "  des pourcentages à l'écran.",
        "",
        "## Indicateurs",
        "",
        "| Code | Libellé | Unité | Dénominateur | Définition |",
        "|---|---|---|---|---|",
    ]
    for indicator in registry.INDICATORS:
        lines.append(
            f"| `{indicator.code}` | {indicator.label} | {indicator.unit} | "
            f"{indicator.denominator_label or '—'} | {indicator.definition} |"
        )
    lines += [
        "",
        "## Répartitions (`breakdowns`)",
        "",
        "Chaque ligne d'une répartition donne `people` (personnes), `hours`, `etp`,",
        "`missions` (contrats de travail) et `share`, sa part du dénominateur de la",
        "répartition ; le sexe et la résidence en QPV donnent aussi `share_of_hours`.",
        "",
        "| Code | Libellé | Dénominateur | Définition | Lignes |",
        "|---|---|---|---|---|",
    ]
    for breakdown in registry.BREAKDOWNS:
        choices = ", ".join(f"`{code}`" for code, _label in breakdown.choices) or ("codes INSEE")
        lines.append(
            f"| `{breakdown.code}` | {breakdown.label} | {breakdown.denominator_label} | "
            f"{breakdown.definition} | {choices} |"
        )
    lines += [
        "",
        "## En ligne de commande",
        "",
        "```",
        "python manage.py indicators --year 2020 --format json",
        "python manage.py indicators --year 2020 --region 76",
        "python manage.py indicators --year 2020 --departement 93 --format json",
        'python manage.py indicators --year 2020 --organisation "PLIE de Plaine Commune"',
        "```",
        "",
        "L'objet JSON a les clés `year`, `period`, `scope`, `hours_per_etp`, chaque code du",
        "tableau des indicateurs, et `breakdowns` : `{code: {denominator, total, rows}}`.",
        "",
    ]
    return "\n".join(lines)
