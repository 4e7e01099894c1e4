"""An OR day of the demo hospital for the page and browser tests: a CSV of the OR schedule on a
day of the demo block when the demo resident (Kwame Mensah, PGY-1) and his PGY-1 colleague
(Hana Takeda) work the general surgery day team, and moves the rules accept or refuse.

Hana Takeda is declared never to work on Magnus Achterberg's cases (a declared conflict of the
demo program), so putting her on one of his cases is refused; a total thyroidectomy needs a
PGY-3 or above to take surgeon credit, so a PGY-1 as its surgeon is refused too. The pediatric
case is nobody's of the general surgery team: its patient is theirs only by breaking the glass.
"""

from __future__ import annotations

from datetime import date

DAY = date(2027, 3, 4)  # a Thursday: both PGY-1s and the chief on the general surgery day team
DAY_BEFORE = date(2027, 3, 3)
RESIDENT = "kwame-mensah"
CONFLICTED = "hana-takeda"  # never on Magnus Achterberg's cases
HEADER = "room,start,minutes,procedure,cpt,attending,service,mrn,patient,flags,continuity"
PATIENTS = ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Emmy Noether", "Marie Curie")
# Each case: room, start, minutes, procedure, cpt, attending, service, mrn, patient, flags, continuity
CASES = (
    (
        "OR 1",
        f"{DAY} 07:30",
        "90",
        "Laparoscopic cholecystectomy",
        "47562",
        "Magnus Achterberg",
        "gen-surg",
        "MRN1001",
        PATIENTS[0],
        "laparoscopic",
        "",
    ),
    (
        "OR 1",
        f"{DAY} 09:30",
        "60",
        "Inguinal hernia repair",
        "49505",
        "Magnus Achterberg",
        "gen-surg",
        "MRN1002",
        PATIENTS[1],
        "",
        "",
    ),
    (
        "OR 2",
        f"{DAY} 08:00",
        "75",
        "Laparoscopic appendectomy",
        "44970",
        "Amara Oyelowo",
        "gen-surg",
        "MRN1003",
        PATIENTS[2],
        "laparoscopic",
        RESIDENT,
    ),
    (
        "OR 2",
        f"{DAY} 10:00",
        "180",
        "Total thyroidectomy",
        "60240",
        "Amara Oyelowo",
        "gen-surg",
        "MRN1004",
        PATIENTS[3],
        "",
        "",
    ),
    (
        "OR 3",
        f"{DAY} 08:00",
        "60",
        "Appendectomy",
        "44950",
        "Ravi Papadakis",
        "pediatric",
        "MRN1005",
        PATIENTS[4],
        "",
        "",
    ),
)
ROWS = tuple(",".join(case) for case in CASES)
CHOLE, HERNIA, APPENDIX, THYROID, PEDIATRIC = range(5)


def or_day_csv() -> str:
    return "\n".join((HEADER, *ROWS)) + "\n"


def bad_csv() -> str:
    """The day with two mistakes: an unknown CPT code (line 3) and no minutes (line 4)."""
    rows = list(ROWS)
    rows[1] = rows[1].replace(",49505,", ",99999,")
    rows[2] = rows[2].replace(",75,", ",0,")
    return "\n".join((HEADER, *rows)) + "\n"
