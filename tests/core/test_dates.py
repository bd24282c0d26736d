import datetime

from dateutil.relativedelta import relativedelta

from clauses.core.dates import add_months


def test_add_months_agrees_with_relativedelta_over_four_years_of_days():
    day = datetime.date(2023, 1, 1)
    checked = 0
    while day < datetime.date(2027, 1, 1):
        for months in (0, 1, 2, 6, 11, 12, 13, 25, 48, 121):
            assert add_months(day, months) == day + relativedelta(months=months), (day, months)
            checked += 1
        day += datetime.timedelta(days=1)
    assert checked == 1461 * 10


def test_add_months_keeps_the_last_day_of_a_shorter_month():
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2025, 8, 31), 1) == datetime.date(2025, 9, 30)
    assert add_months(datetime.date(2025, 12, 15), 1) == datetime.date(2026, 1, 15)


def test_days_in_month_agrees_with_the_calendar():
    import calendar

    from clauses.core.dates import days_in_month

    for year in (1900, 2000, 2023, 2024, 2100):
        for month in range(1, 13):
            assert days_in_month(year, month) == calendar.monthrange(year, month)[1]


def test_last_day_of_month_knows_leap_years():
    from clauses.core.dates import last_day_of_month

    assert last_day_of_month(datetime.date(2024, 2, 10)) == datetime.date(2024, 2, 29)
    assert last_day_of_month(datetime.date(2026, 2, 1)) == datetime.date(2026, 2, 28)
    assert last_day_of_month(datetime.date(2026, 12, 31)) == datetime.date(2026, 12, 31)
