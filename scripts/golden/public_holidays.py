#!/usr/bin/env python3
"""Writes crates/domain/tests/golden/holidays.csv from the PyPI package `holidays`, an implementation
of the French calendar independent of ours, for the years 1950-2100. (Not named holidays.py: it
would shadow the package.)

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install holidays
    /tmp/venv/bin/python scripts/golden/public_holidays.py > crates/domain/tests/golden/holidays.csv

The project defines the calendar as today's list applied to every year, while `holidays` follows each day's
history and adds local days. The script therefore filters, and says where:
- out of scope, removed: Mi-Carême and Good Friday in 971, Victor Schoelcher day in 971 and 972;
- history, put back: 8 May (not a holiday 1960-1981), Whit Monday (2005-2007, solidarity day) and the
  abolition of slavery days (decreed in 1983). Whit Monday is put back as the package's Easter Monday
  + 49 days, so every Easter-based date still comes from the package.
Output: `date,zone`; zone `mainland`, or `alsace_moselle` / an overseas department for the days that
territory adds to mainland's.
"""

from datetime import date, timedelta

import holidays

YEARS = range(1950, 2101)
OUT_OF_SCOPE = {"Mi-Carême", "Fête de Victor Schoelcher"}
ABOLITION = {"971": (5, 27), "972": (5, 22), "973": (6, 10), "974": (12, 20), "976": (4, 27)}


def days(year, subdiv=None):
    calendar = holidays.France(years=year, subdiv=subdiv, language="fr")
    result = {d for d, name in calendar.items() if name not in OUT_OF_SCOPE}
    easter_monday = next(d for d, name in calendar.items() if name == "Lundi de Pâques")
    result |= {date(year, 5, 8), easter_monday + timedelta(days=49)}
    if subdiv in ABOLITION:
        result.add(date(year, *ABOLITION[subdiv]))
    if subdiv == "971":
        result.discard(easter_monday - timedelta(days=3))  # Good Friday, a Guadeloupe custom only
    return result


def main():
    print("date,zone")
    rows = []
    for year in YEARS:
        mainland = days(year)
        rows += [(d, "mainland") for d in mainland]
        # The package files Bas-Rhin and Haut-Rhin under "6AE"; Moselle is "57": both must agree.
        alsace, moselle = days(year, "6AE"), days(year, "57")
        assert alsace == moselle, year
        rows += [(d, "alsace_moselle") for d in moselle - mainland]
        for department in ABOLITION:
            local = days(year, department)
            assert mainland <= local, (year, department)
            rows += [(d, department) for d in local - mainland]
    for d, zone in sorted(rows):
        print(f"{d.isoformat()},{zone}")


if __name__ == "__main__":
    main()
