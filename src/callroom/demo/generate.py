"""Write the demo program file: St. Elsewhere Teaching Hospital's surgical service, March 2027.

    python -m callroom.demo.generate > src/callroom/demo/st_elsewhere.yaml

The YAML is committed and is what users read, copy and edit; this script is how it was made, and
a test holds the two equal. Output is deterministic: the people in the story (`CAST`) are written
out by hand, everyone else is drawn from the name lists with a fixed seed, as are a handful of
ordinary time-off requests. The module is long because it is mostly data: the service's design
(shifts, posts, cover) reads top to bottom in the order the file prints it.

Sizing, so the block is demanding but always solvable: the residents' hard minimums add up to
about 56% of their days off leave, below the 60-70% a resident can work under the ACGME limits
(80 hours averaged, a free day in seven, q3 call, 14 hours after call) and hospital policy (six
days in a row at most, a weekend off); the soft targets add up to about 80%, a little more than
they can give, so the solver trades cover against requests and fairness. A first roster takes
about 2 s on two cores.
"""

from __future__ import annotations

import copy
import json
import random
import re
import sys
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

SEED = 2027
START = date(2027, 3, 1)  # a Monday; US clocks spring forward on Sunday 2027-03-14
DAYS = 28
LINE = 100  # comments wrap here
ENTRY = 120  # longest one-line entry before it is written out key by key

HEADER = """\
# St. Elsewhere Teaching Hospital: the surgical service, {days} days from Monday {start}.
#
# This is the demo program that `callroom demo` loads, solves and prints, and a full example of
# the program file (the JSON Schema: `callroom schema`). It was written by
# `python -m callroom.demo.generate`: change the generator and regenerate, or a test will fail.
# All people are fictional.
#
# Seven services share {residents} residents (PGY-1..PGY-5) and {attendings} attendings. General surgery
# runs a big day team and, with the subspecialty residents, the night cover. Trauma and general
# surgery staff the emergency department ("the Pit") day and night. Neurosurgery keeps a resident
# on 24-hour in-house call (its rotation has the 88-hour exception). Attendings and chief residents
# take home call, and the free clinic runs three afternoons a week under its resident lead.
# Hard minimums are what the chief will not go below; targets are what a good day looks like.
"""

# Shift types, in the hospital's wall-clock time: every shift starts at 07:00 or later and ends by
# 07:00 the next morning. Home call counts 3 hours of work from home towards duty hours.
SHIFT_TYPES: list[dict[str, Any]] = [
    {"id": "day", "name": "Day", "start": "07:00", "duration": "12h", "kind": "day"},
    {"id": "long", "name": "Long day (OR)", "start": "07:00", "duration": "14h", "kind": "day"},
    {"id": "night", "name": "Night", "start": "19:00", "duration": "12h", "kind": "night"},
    {"id": "call", "name": "24-hour call", "start": "07:00", "duration": "24h", "kind": "in_house_call"},
    {
        "id": "home",
        "name": "Home call",
        "start": "19:00",
        "duration": "12h",
        "kind": "home_call",
        "counted": "3h",
    },
    {"id": "clinic", "name": "Clinic (half day)", "start": "13:00", "duration": "4h", "kind": "clinic"},
]

SERVICES: list[dict[str, Any]] = [
    {
        "id": "gen-surg",
        "name": "General Surgery",
        "posts": [
            {"id": "gs-day", "name": "General surgery day team", "shifts": ["day"]},
            {
                "id": "gs-night",
                "name": "Night cover (general surgery and floors)",
                "shifts": ["night"],
                "team": "night-cover",
                "grades": "residents",
            },
            {
                "id": "gs-home",
                "name": "General surgery attending on call",
                "shifts": ["home"],
                "grades": "attending",
            },
        ],
    },
    {
        "id": "trauma",
        "name": "Trauma and Emergency Surgery",
        "posts": [
            {"id": "pit", "name": "The Pit (emergency department)", "shifts": ["day", "night"]},
        ],
    },
    {
        "id": "neurosurgery",
        "name": "Neurosurgery",
        "posts": [
            {"id": "neuro-day", "name": "Neurosurgery day team", "shifts": ["long"]},
            {
                "id": "neuro-call",
                "name": "Neurosurgery in-house call",
                "shifts": ["call"],
                "grades": "PGY-2..PGY-5",
            },
            {
                "id": "neuro-home",
                "name": "Neurosurgery attending on call",
                "shifts": ["home"],
                "grades": "attending",
            },
        ],
    },
    {
        "id": "cardiothoracic",
        "name": "Cardiothoracic Surgery",
        "posts": [
            {"id": "ct-day", "name": "Cardiothoracic day team", "shifts": ["long"]},
            {"id": "ct-home", "name": "Cardiothoracic home call", "shifts": ["home"], "grades": "PGY-4+"},
        ],
    },
    {
        "id": "plastics",
        "name": "Plastic Surgery",
        "posts": [
            {"id": "plastics-day", "name": "Plastics day team", "shifts": ["day"]},
            {"id": "plastics-home", "name": "Plastics home call", "shifts": ["home"], "grades": "PGY-4+"},
        ],
    },
    {
        "id": "pediatric",
        "name": "Pediatric Surgery",
        "posts": [
            {"id": "peds-day", "name": "Pediatric surgery day team", "shifts": ["day"]},
            {
                "id": "peds-home",
                "name": "Pediatric surgery home call",
                "shifts": ["home"],
                "grades": "PGY-4+",
            },
        ],
    },
    {
        "id": "clinic",
        "name": "Free Clinic",
        "posts": [
            {"id": "free-clinic", "name": "Free clinic", "shifts": ["clinic"]},
        ],
    },
]


def need(
    grades: str, low: int = 0, target: int | None = None, high: int | None = None, under: int | None = None
) -> dict[str, Any]:
    """One line of a cover entry, leaving out what the file's defaults already say."""
    entry: dict[str, Any] = {"grades": grades}
    entry |= {"min": low} if low else {}
    entry |= {"target": target} if target is not None else {}
    entry |= {"max": high} if high is not None else {}
    entry |= {"weight_under": under} if under is not None else {}
    return entry


ATTENDING = need("attending", 1, high=1)
"""Exactly one attending: every day team has one, and so does every home-call post."""

# (comment, cover entry). Weights: 30-40 for a missing attending or senior on a busy team, 20-30
# for a resident short on a day team or at night, 5-15 for the nice-to-haves. Every post and shift
# has cover on every day it runs, so nobody is put anywhere for nothing.
COVER: list[tuple[str | None, dict[str, Any]]] = [
    (
        "General surgery day team on weekdays: a big team with at least an intern and a chief-level"
        " senior (PGY-4/5) among the residents, and one or two attendings.",
        {
            "post": "gs-day",
            "shift": "day",
            "days": "weekdays",
            "need": [
                need("residents", 12, 14, under=20),
                need("PGY-1", 1, 3, under=10),
                need("PGY-4..PGY-5", 1, 3, under=30),
                need("attending", 1, 2, 2, under=40),
            ],
        },
    ),
    (
        "At weekends a smaller crew, led by a PGY-3 or above.",
        {
            "post": "gs-day",
            "shift": "day",
            "days": "weekends",
            "need": [need("residents", 5, 7, under=20), need("PGY-3..PGY-5", 1), ATTENDING],
        },
    ),
    (
        "Night cover for general surgery and the surgical floors: a senior (PGY-3+) and a junior"
        " together every night, and more residents on a good night.",
        {
            "post": "gs-night",
            "shift": "night",
            "need": [need("residents", 3, 4, 4, under=30), need("PGY-3+", 1), need("PGY-1..PGY-2", 1)],
        },
    ),
    (
        "A general surgery attending on home call every night.",
        {"post": "gs-home", "shift": "home", "need": [ATTENDING]},
    ),
    (
        "The Pit by day: an attending, and residents of whom at least one is PGY-2 or above.",
        {
            "post": "pit",
            "shift": "day",
            "need": [need("residents", 5, 6, under=20), need("PGY-2..PGY-5", 1), ATTENDING],
        },
    ),
    (
        "The Pit by night: the trauma attending stays in house; a PGY-3+ runs the residents.",
        {
            "post": "pit",
            "shift": "night",
            "need": [need("residents", 3, 4, under=20), need("PGY-3..PGY-5", 1), ATTENDING],
        },
    ),
    (
        "Neurosurgery day team: long OR days on weekdays, rounds at weekends.",
        {
            "post": "neuro-day",
            "shift": "long",
            "days": "weekdays",
            "need": [need("residents", 3, 4, under=20), ATTENDING],
        },
    ),
    (
        None,
        {
            "post": "neuro-day",
            "shift": "long",
            "days": "weekends",
            "need": [need("residents", 1, 2, under=10), ATTENDING],
        },
    ),
    (
        "Neurosurgery in-house call: a PGY-3+ every night (each at most every third night, averaged)"
        " and, Friday to Sunday, a second resident for the Pit's head injuries.",
        {"post": "neuro-call", "shift": "call", "need": [need("PGY-3..PGY-5", 1), need("residents", high=2)]},
    ),
    (
        None,
        {
            "post": "neuro-call",
            "shift": "call",
            "days": ["fri", "sat", "sun"],
            "need": [need("residents", 0, 2, under=10)],
        },
    ),
    (
        "A neurosurgery attending on home call every night.",
        {"post": "neuro-home", "shift": "home", "need": [ATTENDING]},
    ),
    (
        "Cardiothoracic day team: long OR days on weekdays, rounds at weekends.",
        {
            "post": "ct-day",
            "shift": "long",
            "days": "weekdays",
            "need": [need("residents", 5, 6, under=20), ATTENDING],
        },
    ),
    (
        None,
        {
            "post": "ct-day",
            "shift": "long",
            "days": "weekends",
            "need": [need("residents", 1, 3, under=10), ATTENDING],
        },
    ),
    (
        "Home call for cardiothoracic, plastics and pediatric surgery: an attending every night, and a"
        " chief resident (PGY-4/5) with them when one can be spared.",
        {"post": "ct-home", "shift": "home", "need": [ATTENDING, need("PGY-4..PGY-5", 0, 1, 1, under=5)]},
    ),
    (
        None,
        {
            "post": "plastics-home",
            "shift": "home",
            "need": [ATTENDING, need("PGY-4..PGY-5", 0, 1, 1, under=5)],
        },
    ),
    (
        None,
        {"post": "peds-home", "shift": "home", "need": [ATTENDING, need("PGY-4..PGY-5", 0, 1, 1, under=5)]},
    ),
    (
        "Plastics and pediatric surgery day teams.",
        {
            "post": "plastics-day",
            "shift": "day",
            "days": "weekdays",
            "need": [need("residents", 3, 4, under=20), ATTENDING],
        },
    ),
    (
        None,
        {
            "post": "plastics-day",
            "shift": "day",
            "days": "weekends",
            "need": [need("residents", 0, 1, under=10), ATTENDING],
        },
    ),
    (
        None,
        {
            "post": "peds-day",
            "shift": "day",
            "days": "weekdays",
            "need": [need("residents", 4, 5, under=20), ATTENDING],
        },
    ),
    (
        None,
        {
            "post": "peds-day",
            "shift": "day",
            "days": "weekends",
            "need": [need("residents", 1, 2, under=10), ATTENDING],
        },
    ),
    (
        "The free clinic, Tuesday and Thursday afternoons and Saturday: a supervising attending and a"
        " PGY-2+ resident at least, three residents when possible. Closed on other days.",
        {
            "post": "free-clinic",
            "shift": "clinic",
            "days": ["tue", "thu", "sat"],
            "need": [need("residents", 1, 3, under=15), need("PGY-2..PGY-5", 1), ATTENDING],
        },
    ),
    (
        None,
        {
            "post": "free-clinic",
            "shift": "clinic",
            "days": ["mon", "wed", "fri", "sun"],
            "need": [need("any", high=0)],
        },
    ),
]

# Which posts a resident of each rotation lists. Night cover and the Pit are shared; PGY-4/5 of
# the home-call services also take home call; neurosurgery call starts at PGY-2.
ROTATION_POSTS: dict[str, list[str]] = {
    "gen-surg": ["gs-day", "gs-night"],
    "trauma": ["pit", "gs-night"],
    "neurosurgery": ["neuro-day", "neuro-call"],
    "cardiothoracic": ["ct-day", "gs-night"],
    "plastics": ["plastics-day", "gs-night", "free-clinic"],
    "pediatric": ["peds-day", "gs-night", "free-clinic"],
    "clinic": ["free-clinic", "pit"],
}
SENIOR_HOME_CALL = {"cardiothoracic": "ct-home", "plastics": "plastics-home", "pediatric": "peds-home"}
ATTENDING_POSTS: dict[str, list[str]] = {
    "gen-surg": ["gs-day", "gs-home", "free-clinic"],
    "trauma": ["pit"],
    "neurosurgery": ["neuro-day", "neuro-home"],
    "cardiothoracic": ["ct-day", "ct-home"],
    "plastics": ["plastics-day", "plastics-home", "free-clinic"],
    "pediatric": ["peds-day", "peds-home", "free-clinic"],
}

# Residents per rotation and grade (PGY-1..PGY-5), and attendings per service.
RESIDENTS: dict[str, tuple[int, int, int, int, int]] = {
    "gen-surg": (6, 4, 4, 3, 3),
    "trauma": (2, 3, 2, 2, 2),
    "neurosurgery": (2, 2, 2, 2, 1),
    "cardiothoracic": (1, 2, 2, 2, 1),
    "plastics": (1, 1, 1, 1, 1),
    "pediatric": (2, 1, 1, 1, 1),
    "clinic": (0, 1, 1, 1, 0),
}
ATTENDINGS: dict[str, int] = {
    "gen-surg": 4,
    "trauma": 4,
    "neurosurgery": 3,
    "cardiothoracic": 3,
    "plastics": 3,
    "pediatric": 3,
}

FIRST_NAMES = [
    "Adaeze",
    "Tomasz",
    "Priya",
    "Mateo",
    "Yuki",
    "Ingrid",
    "Farah",
    "Diego",
    "Mei",
    "Kwame",
    "Arjun",
    "Leilani",
    "Ezra",
    "Nadia",
    "Rafael",
    "Amara",
    "Luca",
    "Ximena",
    "Kofi",
    "Bongani",
    "Dmitri",
    "Esperanza",
    "Hana",
    "Idris",
    "Jolene",
    "Kenji",
    "Lucía",
    "Noor",
    "Orla",
    "Pedro",
    "Quinn",
    "Rashida",
    "Soren",
    "Tamsin",
    "Umar",
    "Valentina",
    "Wren",
    "Yaw",
    "Zofia",
    "Amadou",
    "Beatriz",
    "Chidi",
    "Emeka",
    "Freya",
    "Gustavo",
    "Halima",
    "Ioana",
    "Lior",
    "Marisol",
    "Nikhil",
    "Oksana",
    "Paulo",
    "Rania",
    "Sefa",
    "Thandiwe",
    "Vivek",
    "Wanjiru",
    "Yasmin",
    "Zeynep",
    "Aroha",
    "Bilal",
    "Coralie",
    "Dawit",
    "Elif",
    "Fintan",
    "Greta",
    "Hamza",
    "Inés",
    "Joaquín",
    "Kalani",
    "Laila",
    "Magnus",
    "Nia",
    "Ottavio",
    "Pilar",
    "Ravi",
    "Sunniva",
    "Chiara",
    "Darius",
    "Eun-ji",
    "Femi",
    "Gabriela",
    "Hiroshi",
    "Imani",
    "Jasper",
    "Kirra",
    "Lorenzo",
    "Mariam",
    "Nkechi",
]
LAST_NAMES = [
    "Okonkwo",
    "Nowak",
    "Raghavan",
    "Villanueva",
    "Nakashima",
    "Lindahl",
    "Haddad",
    "Quintero",
    "Achterberg",
    "Mensah",
    "Ferreira",
    "Chaudhry",
    "Halvorsen",
    "Oyelowo",
    "Szabo",
    "Castellanos",
    "Takeda",
    "Iyer",
    "Nwachukwu",
    "Petrosyan",
    "Ramaswamy",
    "Abernathy",
    "Kovačević",
    "Bergstrand",
    "Rahimi",
    "Oduya",
    "Whitfield",
    "Cárdenas",
    "Dubois",
    "Hakimi",
    "Tanabe",
    "Adeyemi",
    "Salgado",
    "Brennan",
    "Marchetti",
    "Ogunleye",
    "Sørensen",
    "Vasquez-Lee",
    "Thorsdottir",
    "Al-Amin",
    "Mukherjee",
    "Esposito",
    "Ilunga",
    "Fonseca",
    "Gallagher",
    "Hirano",
    "Jankowski",
    "Kariuki",
    "Lachance",
    "Mahlangu",
    "Nakamura-Wells",
    "Osei",
    "Papadakis",
    "Rinaldi",
    "Sandoval",
    "Tesfaye",
    "Ueda",
    "Vogel",
    "Wojcik",
    "Yilmaz",
    "Zamora",
    "Amato",
    "Bishara",
    "Czerny",
    "Dlamini",
    "Eriksen",
    "Fairweather",
    "Gunawardena",
    "Hollis",
    "Ibarra",
    "Jovanović",
    "Kaplan",
    "Lungu",
    "Moreau",
    "Ndiaye",
    "Ostrowski",
    "Quaye",
    "Rosenthal",
    "Sahin",
    "Uribe",
    "Valdivia",
    "Whitaker",
    "Yeboah",
    "Zielinski",
]


@dataclass
class Person:
    name: str
    grade: str
    rotation: str
    note: str | None = None  # a comment above the entry
    posts: list[str] = field(default_factory=list)
    leave: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    days_off: list[date | str] = field(default_factory=list)
    days_off_why: str | None = None
    requests: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    limits: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return slug(self.name)


_UNDECOMPOSED = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "ð": "d", "þ": "th", "ł": "l", "ß": "ss"})


def slug(name: str) -> str:
    """An id from a name: "Joaquín Kovačević" is joaquin-kovacevic."""
    folded = unicodedata.normalize("NFKD", name.translate(_UNDECOMPOSED))
    ascii_name = folded.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def day(n: int) -> date:
    """The date `n` days into the block (0 is the first Monday)."""
    return START + timedelta(days=n)


def leave(first: int, last: int, kind: str, why: str | None = None) -> tuple[dict[str, Any], str | None]:
    return {"from": day(first), "to": day(last), "kind": kind}, why


def request(
    n: int, on: bool, weight: int, why: str, shift: str | None = None, post: str | None = None
) -> tuple[dict[str, Any], str | None]:
    entry: dict[str, Any] = {"date": day(n), ("on" if on else "off"): True}
    entry |= {"shift": shift} if shift else {}
    entry |= {"post": post} if post else {}
    return entry | {"weight": weight}, why


def clinic_days() -> list[int]:
    return [n for n in range(DAYS) if day(n).weekday() in (1, 3)]


# The people the story is about, each filling one slot of RESIDENTS or ATTENDINGS.
CAST: list[Person] = [
    Person(
        "Rosa Villalobos",
        "PGY-4",
        "clinic",
        "The free clinic's resident lead: asks for every"
        " Tuesday and Thursday session, and works in the Pit around them.",
        requests=[request(n, True, 6, "", "clinic", "free-clinic") for n in clinic_days()],
    ),
    Person(
        "Tomasz Nowak",
        "PGY-4",
        "gen-surg",
        "Married to Priya Raghavan (see conflicts).",
        leave=[leave(7, 13, "vacation", "week one of the honeymoon")],
    ),
    Person(
        "Priya Raghavan", "PGY-4", "cardiothoracic", None, leave=[leave(7, 13, "vacation", "and week two")]
    ),
    Person(
        "Kwame Mensah", "PGY-1", "gen-surg", "Filed a complaint against Dmitri Petrosyan (see conflicts)."
    ),
    Person("Dmitri Petrosyan", "PGY-5", "trauma", None),
    Person(
        "Hana Takeda",
        "PGY-1",
        "gen-surg",
        "Her relationship with Dr. Achterberg is known to the chief (see conflicts).",
    ),
    Person("Magnus Achterberg", "attending", "gen-surg", None),
    Person(
        "Diego Salgado",
        "PGY-2",
        "trauma",
        "Moved from general surgery to the Pit for this block after the chart-throwing incident.",
        requests=[request(5, False, 2, "apology lunch with the nursing staff")],
    ),
    Person(
        "Ingrid Lindahl",
        "PGY-3",
        "gen-surg",
        "Left plastics in February; on general surgery now, under Dr. Oyelowo.",
        requests=[request(18, True, 3, "her first Whipple", "day", "gs-day")],
    ),
    Person(
        "Amara Oyelowo",
        "attending",
        "gen-surg",
        "New attending: her first block at St. Elsewhere starts with the 7 a.m. day team on Monday.",
        requests=[request(0, True, 8, "first day", "day", "gs-day")],
    ),
    Person(
        "Arjun Iyer",
        "PGY-4",
        "neurosurgery",
        "Has not had a decent night's sleep in weeks: asks for the middle weekend off.",
        requests=[request(12, False, 8, "weekend off"), request(13, False, 8, "weekend off")],
    ),
    Person(
        "Yasmin Haddad",
        "PGY-5",
        "gen-surg",
        "Chief resident: builds this roster.",
        leave=[leave(16, 18, "conference", "Northeastern Surgical Congress")],
    ),
    Person(
        "Kofi Adeyemi",
        "PGY-3",
        "gen-surg",
        None,
        leave=[leave(16, 18, "conference", "presenting a poster there")],
    ),
    Person(
        "Nadia Rahimi",
        "attending",
        "gen-surg",
        "Program director.",
        leave=[leave(16, 19, "conference", "Northeastern Surgical Congress")],
        days_off=["wed"],
        days_off_why="research day",
    ),
    Person("Ezra Kaplan", "PGY-2", "gen-surg", None, days_off=["sat"], days_off_why="Sabbath"),
    Person("Wanjiru Kariuki", "PGY-3", "trauma", None, leave=[leave(21, 27, "vacation", "home to Nairobi")]),
    Person("Lucía Cárdenas", "PGY-2", "pediatric", None, leave=[leave(0, 6, "vacation", None)]),
    Person("Soren Halvorsen", "attending", "trauma", None, leave=[leave(14, 20, "vacation", None)]),
    Person(
        "Oksana Jankowski",
        "PGY-5",
        "neurosurgery",
        None,
        leave=[leave(24, 25, "interview", "fellowship interview")],
    ),
    Person(
        "Fintan Brennan", "PGY-1", "gen-surg", None, days_off=[day(10), day(11)], days_off_why="USMLE Step 3"
    ),
    Person(
        "Thandiwe Dlamini",
        "PGY-3",
        "neurosurgery",
        None,
        requests=[request(15, True, 4, "DBS case", "call", "neuro-call")],
    ),
    Person(
        "Leilani Kalani",
        "PGY-1",
        "trauma",
        None,
        requests=[
            request(16, False, 3, "St. Patrick's Day: her band plays"),
            request(20, True, 2, "case-log nights", "night", "pit"),
        ],
    ),
]

CONFLICTS: list[tuple[str, str, str]] = [
    (
        "Tomasz Nowak",
        "Priya Raghavan",
        "Married (October 2026). Program policy: spouses never on the same team or night.",
    ),
    (
        "Kwame Mensah",
        "Dmitri Petrosyan",
        "Formal complaint filed with the GME office in February; the case is open. Keep apart.",
    ),
    (
        "Hana Takeda",
        "Magnus Achterberg",
        "Relationship disclosed to the chief resident. The intern is not to work on his cases.",
    ),
]

EVERYDAY_REASONS = [
    "daughter's school play",
    "moving apartments",
    "brother's wedding",
    "dentist",
    "half marathon",
    "parents visiting",
    "jury duty",
    "son's birthday",
    "friend's wedding",
    "citizenship interview",
    "kids' spring break",
    "Holi with the family",
]


def everyone(rng: random.Random) -> list[Person]:
    """CAST plus generated people, filling RESIDENTS and ATTENDINGS, service by service."""
    cast = copy.deepcopy(CAST)  # filled in below; CAST itself stays as written
    names = iter(_name_pairs(rng))
    people = []
    for rotation, counts in RESIDENTS.items():
        slots = [("attending", ATTENDINGS.get(rotation, 0))]
        slots += [(f"PGY-{g}", n) for g, n in zip(range(1, 6), counts, strict=True)]
        for grade, count in slots:
            mine = [p for p in cast if p.rotation == rotation and p.grade == grade]
            if len(mine) > count:
                raise ValueError(f"CAST has {len(mine)} {grade} in {rotation}, but there are {count} places")
            people += mine + [Person(next(names), grade, rotation) for _ in range(count - len(mine))]
    for person in people:
        person.posts = person.posts or default_posts(person)
        person.limits = {"max_consecutive_work": 6}
        if person.grade == "attending":
            person.limits["max_shifts"] = {"home": 12}
        else:
            person.limits["max_weekends"] = 3
    generated = [p for p in people if all(p is not c for c in cast)]
    for person in rng.sample(generated, 14):
        add_everyday_request(rng, person)
    return people


def _name_pairs(rng: random.Random) -> list[str]:
    """Fresh names: pairs of first and last names that nobody in CAST uses."""
    taken = {word for p in CAST for word in p.name.split()}
    firsts = [n for n in FIRST_NAMES if n not in taken]
    lasts = [n for n in LAST_NAMES if n not in taken]
    rng.shuffle(firsts)
    rng.shuffle(lasts)
    return [f"{a} {b}" for a, b in zip(firsts, lasts, strict=False)]


def default_posts(person: Person) -> list[str]:
    if person.grade == "attending":
        return list(ATTENDING_POSTS[person.rotation])
    posts = list(ROTATION_POSTS[person.rotation])
    if person.rotation == "neurosurgery" and person.grade == "PGY-1":
        posts = ["neuro-day", "gs-night"]  # interns do not take neurosurgery call
    if person.rotation == "gen-surg" and person.grade != "PGY-1":
        posts.append("pit")  # the Pit is general surgery's emergency department too
    if person.grade in ("PGY-4", "PGY-5") and person.rotation in SENIOR_HOME_CALL:
        posts.append(SENIOR_HOME_CALL[person.rotation])
    return posts


def add_everyday_request(rng: random.Random, person: Person) -> None:
    n = rng.randrange(DAYS)
    why = rng.choice(EVERYDAY_REASONS)
    person.requests.append(request(n, False, rng.choice([1, 2, 3, 5]), why))


# --- writing YAML ------------------------------------------------------------------------------

_PLAIN = re.compile(r"[^\W\d_][\w .'/+-]*[\w.+]")
_DURATION = re.compile(r"\d+h(\d+m)?|\d+m")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


def scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | date):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return flow(value)
    text = str(value)
    if _DURATION.fullmatch(text):
        return text
    if re.fullmatch(r"\d\d:\d\d", text) or not _PLAIN.fullmatch(text) or text.lower() in _YAML_WORDS:
        return json.dumps(text, ensure_ascii=False)
    return text


def flow(mapping: Mapping[str, object]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in mapping.items()) + "}"


def comment(text: str | None, indent: int) -> Iterator[str]:
    """A comment wrapped to the line width."""
    if not text:
        return
    words, line = text.split(), ""
    for word in words:
        if line and len(line) + len(word) + indent + 3 > LINE:
            yield " " * indent + "# " + line
            line = word
        else:
            line = f"{line} {word}".strip()
    yield " " * indent + "# " + line


def item(entry: Mapping[str, object], indent: int, why: str | None = None) -> str:
    tail = f"  # {why}" if why else ""
    return " " * indent + "- " + flow(entry) + tail


def block_item(
    entry: Mapping[str, object], indent: int, notes: Mapping[str, str | None] | None = None
) -> Iterator[str]:
    """A list item key by key: lists of (mapping, comment) become nested lists, and `notes`
    adds a comment after a key's line."""
    pad = " " * indent
    for i, (key, value) in enumerate(entry.items()):
        lead = pad + ("- " if i == 0 else "  ")
        if isinstance(value, list) and value and isinstance(value[0], tuple):
            yield f"{lead}{key}:"
            yield from (item(e, indent + 4, why) for e, why in value)
        else:
            note = (notes or {}).get(key)
            yield f"{lead}{key}: {scalar(value)}" + (f"  # {note}" if note else "")


def person_entry(person: Person) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": person.id,
        "name": person.name,
        "grade": person.grade,
        "rotation": person.rotation,
        "posts": person.posts,
    }
    optional = {
        "leave": person.leave,
        "days_off": person.days_off,
        "requests": person.requests,
        "limits": person.limits,
    }
    return entry | {key: value for key, value in optional.items() if value}


def person_lines(person: Person) -> Iterator[str]:
    yield from comment(person.note, 2)
    yield from block_item(person_entry(person), 2, {"days_off": person.days_off_why})


def service_lines() -> Iterator[str]:
    yield "# Services and their posts. Posts of one team (by default, one service) count as working"
    yield "# together for the declared conflicts; the night cover is a team of its own."
    yield "services:"
    for service in SERVICES:
        yield f"  - id: {service['id']}"
        yield f"    name: {scalar(service['name'])}"
        yield "    posts:"
        for post in service["posts"]:
            one_line = item(post, 6)
            yield one_line if len(one_line) <= ENTRY else "\n".join(block_item(post, 6))


def cover_lines() -> Iterator[str]:
    yield "# Cover: per post, shift and day, how many people of which grades. `min` and `max` are hard,"
    yield "# `target` is soft: each person short costs `weight_under` points (100 unless given), each"
    yield "# person over it `weight_over` (1)."
    yield "cover:"
    for why, entry in COVER:
        yield from comment(why, 2)
        yield f"  - post: {entry['post']}"
        yield f"    shift: {entry['shift']}"
        if "days" in entry:
            yield f"    days: {scalar(entry['days'])}"
        yield "    need:"
        yield from (item(n, 6) for n in entry["need"])


PEOPLE_NOTE = """\
# People by rotation. Residents list their rotation's posts plus the shared ones (night cover, and
# the Pit for general surgery); PGY-4/5s of the home-call services also take home call. Hospital
# policy (limits): nobody works more than six days in a row, every resident has a weekend off, and
# no attending takes more than 12 home calls in the block.
# Comments after leave and requests say why; the file keeps them, the solver ignores them."""


def people_lines(people: Sequence[Person]) -> Iterator[str]:
    yield PEOPLE_NOTE
    yield "people:"
    for service in SERVICES:
        mine = [p for p in people if p.rotation == service["id"]]
        attendings = sum(p.grade == "attending" for p in mine)
        staff = f"{attendings} attendings" if attendings else "supervised by other services' attendings"
        yield ""
        yield f"  # {service['name']}: {len(mine) - attendings} residents, {staff}"
        for person in mine:
            yield from person_lines(person)


def conflict_lines() -> Iterator[str]:
    yield "# Declared conflicts: never on one team at the same time. The reasons are for the chief only."
    yield "conflicts:"
    for first, second, reason in CONFLICTS:
        yield f"  - between: [{slug(first)}, {slug(second)}]"
        yield f"    reason: {scalar(reason)}"


RULES = """\
rules:
  profile: acgme
  # The solver counts free days as 24 hours from 06:00 (elapsed time, so 07:00 once the clocks have
  # changed): until then the day after a night or a call, which end at 07:00, is not one.
  limits: {free_day_start: "06:00"}
  rotations:
    neurosurgery: {weekly_hours: 88}  # the Review Committee's rotation-specific exception
  forbidden_successions:
    - {after: night, not: [day, long, call, clinic]}  # nights end at 07:00: no day work after
# Within each grade, each tenth of a night or call of spread (most minus fewest, per full block)
# costs 2 points and each tenth of a weekend 1: one night of spread weighs as much as one resident
# short on a day team. Each rest shorter than the advised 8 hours costs 20.
objective: {fairness_nights: 2, fairness_weekends: 1, fairness_calls: 2, short_rest: 20}
"""


PAGING = """\
# Paging. A page to a post follows that post's escalation policy: the people paged have `wait` to
# acknowledge, then each step in turn is paged, and after the last one (and any repeats) the
# fallback: the operators' queue at the switchboard. A page to a role reaches the most junior
# holder whose grade fits (post:gs-night/senior is the senior resident on night cover now).
paging:
  fallback: [operators]
  default: {wait: 5m}
  policies:
    # Night cover at 02:10: the junior, then the senior on call, the attending at home, the chief
    # resident, then the switchboard.
    - for: gs-night
      wait: 5m
      steps:
        - {target: post:gs-night/senior, wait: 5m}
        - {target: post:gs-home, wait: 10m}
        - {target: person:yasmin-haddad, wait: 10m}
    - for: gs-day
      wait: 5m
      steps:
        - {target: post:gs-day/senior, wait: 5m}
        - {target: post:gs-day/attending, wait: 10m}
    - for: pit
      wait: 3m
      steps:
        - {target: post:pit/senior, wait: 3m}
        - {target: post:pit/attending, wait: 5m}
    - for: neuro-call
      wait: 5m
      steps:
        - {target: post:neuro-home, wait: 10m}
      repeat: 1
    # A code reaches the whole team at once; if nobody takes it in a minute, page them all
    # again (twice), then the switchboard calls it overhead.
    - {for: code-team, wait: 1m, repeat: 2}
  groups:
    - id: code-team
      name: Code team
      members: [team:pit, post:gs-night/senior, post:neuro-call, post:gs-home]
    - id: gen-surg-cover
      name: General surgery senior on duty
      members: [post:gs-day/senior, post:gs-night/senior]
  # Who takes the pages of someone off duty, on leave, or in the 4 hours after 24 on duty (no new
  # patients then). A person's own rule first, then the first of their posts that has one.
  coverage:
    - {post: gs-day, grades: residents, by: group:gen-surg-cover}
    - {post: gs-day, grades: attending, by: post:gs-home}
    - {post: gs-night, by: group:gen-surg-cover}
    - {post: pit, by: post:pit/senior}
    - {post: neuro-day, grades: residents, by: post:neuro-call}
    - {post: neuro-call, by: post:neuro-call}
    - {post: neuro-day, grades: attending, by: post:neuro-home}
    - {post: ct-day, by: post:ct-home}
    - {post: plastics-day, by: post:plastics-home}
    - {post: peds-day, by: post:peds-home}
    - {post: free-clinic, by: post:pit/senior}
  # In-app first, email if still unseen after 2 minutes; a STAT page uses every channel at once.
  # Those with a phone get SMS through the gateway's webhook.
  contacts:
    email_domain: st-elsewhere.example
    rules: [{via: inapp}, {via: email, after: 2m}]
    people:
      - {person: yasmin-haddad, phone: "+1-555-0105", rules: [{via: inapp}, {via: webhook, after: 1m}]}
      - {person: magnus-achterberg, phone: "+1-555-0142", rules: [{via: inapp}, {via: webhook, after: 1m}]}
      - {person: amara-oyelowo, phone: "+1-555-0177", rules: [{via: inapp}, {via: webhook}]}
"""


def program_text(seed: int = SEED) -> str:
    rng = random.Random(seed)
    people = everyone(rng)
    residents = sum(p.grade != "attending" for p in people)
    header = HEADER.format(days=DAYS, start=START, residents=residents, attendings=len(people) - residents)
    lines = [
        header.rstrip("\n"),
        "hospital: {name: St. Elsewhere Teaching Hospital, timezone: America/New_York}",
        "",
        "# Clocks spring forward on Sunday 14 March: that night shift lasts 11 hours, that call 23.",
        f"block: {{start: {START}, days: {DAYS}}}",
        "",
        "# Wall-clock times in the hospital's zone. Home call counts 3 hours of work from home.",
        "shift_types:",
        *(item(s, 2) for s in SHIFT_TYPES),
        "",
        *service_lines(),
        "",
        *cover_lines(),
        "",
        *people_lines(people),
        "",
        *conflict_lines(),
        "",
        RULES.rstrip("\n"),
        "",
        PAGING.rstrip("\n"),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    sys.stdout.write(program_text())


if __name__ == "__main__":
    main()
