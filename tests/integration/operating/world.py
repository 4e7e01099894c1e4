"""The OR hospital for the service tests: the demo program and its solved roster stored, the
services built over it on a clock inside its block, and an OR day in the format the importer
reads, naming patients whose identifiers the tests look for in every answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.config import Settings
from callroom.demo import demo_program_path
from callroom.services import Services, build_services
from callroom.storage import Database, ProgramRepository, RosterRepository, RosterSource
from tests.web_demo import DEMO_NAME, seed_demo, solved_demo

DAY = date(2027, 3, 2)
NEXT_DAY = date(2027, 3, 3)
NOW = datetime(2027, 3, 1, 22, 0, tzinfo=UTC)  # the evening before, in the demo's block
EVENING = datetime(2027, 3, 2, 23, 0, tzinfo=UTC)  # 18:00 at the hospital on DAY: its cases are done
HEADER = "room,start,minutes,procedure,cpt,attending,service,mrn,patient,flags,continuity\n"
PATIENTS = {
    "MRN-100234": "Alma Whitcombe",
    "MRN-100871": "Bertrand Oyelaran",
    "MRN-101552": "Cecilia Marchbanks",
}
NEXT_PATIENTS = {"MRN-200411": "Desmond Falkirk"}


def day_csv(day: date = DAY) -> str:
    """Three cases in two rooms on `day` (the next day's file names one other patient)."""
    if day == NEXT_DAY:
        return HEADER + (
            f"OR 1,{day} 07:30,120,Open inguinal hernia repair,49505,Magnus Achterberg,gen-surg,"
            "MRN-200411,Desmond Falkirk,,\n"
        )
    return HEADER + (
        f"OR 1,{day} 07:30,90,Laparoscopic cholecystectomy,47562,Magnus Achterberg,gen-surg,"
        "MRN-100234,Alma Whitcombe,laparoscopic,kwame-mensah\n"
        f"OR 1,{day} 09:30,75,Inguinal hernia repair,49505,magnus-achterberg,gen-surg,"
        "MRN-100871,Bertrand Oyelaran,,\n"
        f"OR 2,{day} 08:00,240,Pancreaticoduodenectomy (Whipple),48150,Magnus Achterberg,gen-surg,"
        "MRN-101552,Cecilia Marchbanks,,\n"
    )


CHIEF = Principal("chief", Role.CHIEF, "yasmin-haddad", display_name="Yasmin Haddad")
DIRECTOR = Principal("director", Role.PROGRAM_DIRECTOR, None)
ATTENDING = Principal("attending", Role.ATTENDING, "magnus-achterberg")
RESIDENT = Principal("resident", Role.RESIDENT, "kwame-mensah")
ADMIN = Principal("admin", Role.ADMIN)
OPERATOR = Principal("operator", Role.OPERATOR)


@dataclass(frozen=True)
class World:
    services: Services
    database: Database
    settings: Settings

    def at(self, when: datetime) -> Services:
        """The services over the same database on a clock at `when`."""
        return build_services(self.settings, self.database, clock=lambda: when)


def world(database: Database, database_url: str, *, accounts: bool = True) -> World:
    """The demo stored in `database` (with its sign-ins, unless `accounts` is false: hashing
    their passwords takes seconds), and the services over it on a clock at NOW."""
    if accounts:
        seed_demo(database)
    else:
        _store_demo(database)
    settings = Settings(database_url=database_url)
    return World(build_services(settings, database, clock=lambda: NOW), database, settings)


def _store_demo(database: Database) -> None:
    path = demo_program_path()
    with database.session() as session:
        source = ProgramRepository(session).save_source(
            DEMO_NAME, path.read_text(encoding="utf-8"), str(path)
        )
        RosterRepository(session).add_version(
            source.id,
            solved_demo(),
            source=RosterSource.SOLVE,
            status="feasible",
            objective=None,
            bound=None,
            report={},
        )
