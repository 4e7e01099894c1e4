"""Run every checker on a roster."""

from __future__ import annotations

from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.rules.absences import check_absences
from callroom.rules.acgme import ACGME_CHECKS
from callroom.rules.context import CheckContext
from callroom.rules.cover import check_cover
from callroom.rules.general import GENERAL_CHECKS
from callroom.rules.ids import Severity
from callroom.rules.violations import Violation

ALL_CHECKS = (*GENERAL_CHECKS, check_absences, check_cover, *ACGME_CHECKS)


def check_all(program: Program, roster: Roster) -> list[Violation]:
    """Every violation of every rule: hard ones, advisories and warnings alike."""
    ctx = CheckContext(program, roster)
    return [violation for check in ALL_CHECKS for violation in check(ctx)]


def hard_violations(program: Program, roster: Roster) -> list[Violation]:
    return [v for v in check_all(program, roster) if v.rule.severity is Severity.HARD]
