"""The indicators of a year and a scope, from the live tracking data (or the published
figures: ``--published``), as JSON or text."""

import json

from django.core.management.base import BaseCommand, CommandError

from clauses.insertion.transfer.cli import find_organisation
from clauses.observatory import registry
from clauses.observatory.campaigns import published_figures
from clauses.observatory.documentation import markdown
from clauses.observatory.figures import Period, Scope, compute
from clauses.procurement.calculator import format_number, format_percent
from clauses.territories.models import Departement, Region


class Command(BaseCommand):
    help = (
        "Affiche les indicateurs d'une année (heures, ETP, participants, parts...) pour la "
        "France entière, une région, un département ou une structure (docs/indicators.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Année civile, par exemple 2020")
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--region", help="Code INSEE de la région, par exemple 76")
        where.add_argument("--departement", help="Code INSEE du département, par exemple 93")
        where.add_argument(
            "--organisation", help="Structure de facilitation : identifiant, SIRET ou nom exact"
        )
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument(
            "--published",
            action="store_true",
            help="Les chiffres publiés de l'année (campagne de consolidation) plutôt que le suivi",
        )
        parser.add_argument(
            "--docs", action="store_true", help="Écrit docs/indicators.md depuis le registre"
        )

    def handle(self, *args, **options):
        if options["docs"]:
            self.stdout.write(markdown(), ending="")
            return
        year = options["year"]
        if year is None:
            raise CommandError("Indiquez l'année : --year 2020.")
        if not 1990 <= year <= 2100:
            raise CommandError(f"Année invalide : {year} (attendu : entre 1990 et 2100).")
        if options["published"]:
            figures = published_figures(self._scope(options), year)
            if figures is None:
                raise CommandError(
                    f"L'année {year} n'est pas publiée (manage.py consolidate --year {year} "
                    "--from-tracking --publish)."
                )
        else:
            figures = compute(self._scope(options), Period.of_year(year))
        if options["format"] == "json":
            self.stdout.write(json.dumps(figures.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._text(figures)

    def _scope(self, options):
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"Région inconnue : « {options['region']} ».")
            return Scope.region(region)
        if options["departement"]:
            code = options["departement"].upper()
            departement = Departement.objects.filter(code=code).first()
            if departement is None:
                raise CommandError(f"Département inconnu : « {options['departement']} ».")
            return Scope.departement(departement)
        if options["organisation"]:
            return Scope.organisations([find_organisation(options["organisation"])])
        return Scope.national()

    def _text(self, figures):
        self.stdout.write(f"{figures.scope.label} — {figures.period.label} ({registry.etp_rule()})")
        for code in registry.HEADLINE:
            indicator = registry.INDICATOR[code]
            value = figures[code]
            if indicator.is_share:
                text = "—" if value is None else format_percent(value)
                text += f" ({indicator.denominator_label})"
            else:
                text = format_number(value, 2 if code == "etp" else 0)
            self.stdout.write(f"  {indicator.label} : {text}")
        several = figures["participants_several_structures"]
        local = figures["participants_local_key"]
        self.stdout.write(
            f"  dont {format_number(several)} suivi(s) par plusieurs structures, comptés une "
            f"fois ; {format_number(local)} compté(s) par structure faute d'identité complète"
        )
