import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clauses.core.exceptions import DomainError
from clauses.territories import geo, geocoding, qpv_csv
from clauses.territories.enums import QpvList


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Date invalide : « {value} » (format attendu AAAA-MM-JJ).") from exc


class Command(BaseCommand):
    help = (
        "Dit dans quel QPV se trouve un point (--lat/--lon), une adresse (--address, via la "
        "BAN) ou chaque ligne d'un fichier CSV (--csv ENTREE --out SORTIE)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lat", help="Latitude WGS84 (ex. 48.8907 ou 48,8907)")
        parser.add_argument("--lon", help="Longitude WGS84 (ex. 2.3513)")
        parser.add_argument("--address", help="Adresse à géocoder avec la BAN")
        parser.add_argument("--csv", help="Fichier CSV avec colonnes lat et lon (ou adresse)")
        parser.add_argument("--out", help="Fichier CSV de sortie (avec --csv)")
        parser.add_argument(
            "--on",
            help="Date (AAAA-MM-JJ) : la liste de QPV en vigueur ce jour-là (défaut : aujourd'hui)",
        )

    def handle(self, *args, lat=None, lon=None, address=None, csv=None, out=None, on=None, **kw):
        on = _date(on) if on else None
        modes = [bool(lat or lon), bool(address), bool(csv)]
        if sum(modes) != 1:
            raise CommandError("Indiquez soit --lat et --lon, soit --address, soit --csv et --out.")
        try:
            if csv:
                self.handle_csv(csv, out, on)
            else:
                self.handle_point(lat, lon, address, on)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def handle_csv(self, path, out, on):
        if not out:
            raise CommandError("Indiquez le fichier de sortie avec --out.")
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(
                f"Impossible de lire le fichier « {path} » : {exc.strerror}."
            ) from exc
        content, report = qpv_csv.enrich(data, on=on)
        Path(out).write_bytes(content)
        self.stdout.write(report.summary())
        self.stdout.write(f"Résultat écrit dans {out}")

    def handle_point(self, lat, lon, address, on):
        list_year = geo.list_year_on(on)
        if list_year is None:
            raise CommandError(qpv_csv.no_list_message(on))
        if address:
            found = geocoding.geocode(address)
            if found is None:
                raise CommandError(
                    f"Adresse introuvable dans la Base adresse nationale : « {address} »."
                )
            self.stdout.write(f"Adresse trouvée : {found.label} (score {found.score:.2f})")
            lat_value, lon_value = found.lat, found.lon
        else:
            if not (lat and lon):
                raise CommandError("Indiquez à la fois --lat et --lon.")
            lat_value, error = qpv_csv.parse_coordinate(lat, label="Latitude", limit=90)
            if error:
                raise CommandError(error)
            lon_value, error = qpv_csv.parse_coordinate(lon, label="Longitude", limit=180)
            if error:
                raise CommandError(error)
        if not geo.is_in_france(lat_value, lon_value):
            raise CommandError(geo.outside_france_message(lat_value, lon_value))
        label = QpvList(list_year).label
        qpv = geo.locate_qpv(lat_value, lon_value, on=on)
        if qpv is None:
            self.stdout.write(
                f"Le point ({lat_value:.6g}, {lon_value:.6g}) n'est dans aucun QPV ({label})."
            )
            nearest, distance = geo.nearest_qpv(lat_value, lon_value, on=on)
            if nearest is not None:
                self.stdout.write(
                    f"QPV le plus proche : {nearest.code} — {nearest.name}, "
                    f"à environ {distance:.0f} m."
                )
        else:
            self.stdout.write(f"{qpv.code} — {qpv.name} ({label})")
