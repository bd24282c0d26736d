import datetime

from django.db import models


class Zone(models.TextChoices):
    METRO = "metro", "France métropolitaine"
    DROM = "drom", "Département ou région d'outre-mer"
    COM = "com", "Collectivité d'outre-mer"


class QpvList(models.IntegerChoices):
    QPV_2015 = 2015, "Liste 2015 (2015-2023)"
    QPV_2024 = 2024, "Liste 2024 (décret 2023-1314)"


# Period in force of each list: (first day, last day or None).
QPV_LIST_PERIODS = {
    QpvList.QPV_2015: (datetime.date(2015, 1, 1), datetime.date(2023, 12, 31)),
    QpvList.QPV_2024: (datetime.date(2024, 1, 1), None),
}


def qpv_list_in_force(on):
    """The QPV list in force on date ``on``, or None before 2015."""
    for list_year, (start, end) in QPV_LIST_PERIODS.items():
        if start <= on and (end is None or on <= end):
            return list_year
    return None
