"""Case-log rules: the credit rules a new line may break, what a log counts toward (total major
counting only the first 50 TA lines), how urgent each category is, and a dashboard's rows."""

from __future__ import annotations

from datetime import date, timedelta

from callroom.domain.grades import Grade
from callroom.domain.operating import CreditRole, LoggedCase
from callroom.rules.caselog import (
    CHIEF_YEAR_MAJOR,
    MAJOR,
    TEACHING,
    YearlyTargets,
    check_log,
    counted_ta,
    credit_problems,
    grade_on,
    months_in_training,
    months_to_graduation,
    progress,
    tally,
    urgency,
    with_parents,
)

DAY = date(2027, 3, 2)
SC, SJ, TA, FA = CreditRole.SC, CreditRole.SJ, CreditRole.TA, CreditRole.FA
CHOLE = ("abdominal.biliary", "abdominal", "lap-basic")


def line(
    person: str,
    role: CreditRole,
    case: str | None = "c1",
    *,
    day: date = DAY,
    categories: tuple[str, ...] = CHOLE,
    id_: int | None = None,
) -> LoggedCase:
    return LoggedCase(person, day, ("47562",), role, categories, case_id=case, id=id_)


# --- credit rules ---


def test_a_junior_taking_surgeon_credit_on_a_fresh_case_breaks_no_rule() -> None:
    assert credit_problems(line("ann", SJ), [], Grade.PGY2) == []


def test_a_second_surgeon_on_one_case_is_refused() -> None:
    said = credit_problems(line("bob", SC), [line("ann", SJ)], Grade.PGY5)

    assert said == ["another resident took surgeon credit (SJ) on this case: one surgeon per case"]


def test_surgeon_credit_on_different_cases_is_no_second_surgeon() -> None:
    assert credit_problems(line("bob", SJ, "c2"), [line("ann", SJ, "c1")], Grade.PGY3) == []


def test_sc_below_the_chief_year_and_sj_in_it_are_refused() -> None:
    assert credit_problems(line("ann", SC), [], Grade.PGY4) == [
        "SC is surgeon credit in the chief year (PGY-5): a PGY-4 logs SJ"
    ]
    assert credit_problems(line("cat", SJ), [], Grade.PGY5) == [
        "SJ is surgeon credit before the chief year: a PGY-5 logs SC"
    ]


def test_a_ta_needs_a_junior_surgeon_on_the_same_case() -> None:
    alone = credit_problems(line("cat", TA), [line("ann", FA)], Grade.PGY5)
    taught = credit_problems(line("cat", TA), [line("ann", SJ)], Grade.PGY5)

    assert alone == ["a TA needs a more junior resident taking surgeon credit (SJ) on the same case"]
    assert taught == []


def test_a_ta_over_a_surgeon_who_is_not_more_junior_is_refused_when_grades_are_known() -> None:
    grades = {"ann": Grade.PGY4, "dan": Grade.PGY4}

    said = credit_problems(line("dan", TA), [line("ann", SJ)], Grade.PGY4, grades=grades)

    assert said == ["a TA needs a more junior resident taking surgeon credit (SJ) on the same case"]


def test_a_ta_without_a_case_cannot_be_checked_and_is_refused() -> None:
    said = credit_problems(line("cat", TA, None), [line("ann", SJ, None)], Grade.PGY5)

    assert said == ["a TA line must name its case, so the junior surgeon's line on it can be found"]


def test_a_resident_logs_a_case_once() -> None:
    said = credit_problems(line("ann", SJ), [line("ann", FA)], Grade.PGY2)

    assert said == ["this resident already logged this case (as FA): one line per case"]


def test_a_stored_line_is_not_checked_against_itself() -> None:
    stored = line("ann", SJ, id_=7)

    assert credit_problems(stored, [stored, line("bob", FA)], Grade.PGY2) == []


def test_a_whole_log_is_checked_line_against_line_whatever_the_order() -> None:
    # The TA comes first in the file; the junior's SJ line after it still satisfies it.
    entries = [line("cat", TA), line("ann", SJ), line("bob", SJ), line("zed", FA)]
    grades = {"cat": Grade.PGY5, "ann": Grade.PGY2, "bob": Grade.PGY3}

    found = check_log(entries, grades)

    assert found == [
        (1, "another resident took surgeon credit (SJ) on this case: one surgeon per case"),
        (2, "another resident took surgeon credit (SJ) on this case: one surgeon per case"),
        (3, "zed is not a resident of the program"),
    ]


def test_a_line_is_checked_with_the_grade_its_resident_had_on_its_day() -> None:
    # A PGY-5 today was a PGY-3 two academic years ago: SJ then, SC now.
    earlier = line("cat", SJ, "a", day=date(2025, 3, 2))
    now = line("cat", SC, "b", day=date(2027, 3, 1))
    wrong = line("cat", SC, "c", day=date(2026, 6, 30))  # the last day of PGY-4

    found = check_log([earlier, now, wrong], {"cat": Grade.PGY5}, today=date(2027, 3, 2))

    assert found == [(2, "SC is surgeon credit in the chief year (PGY-5): a PGY-4 logs SJ")]


def test_a_grade_steps_back_one_a_year_at_the_first_of_july() -> None:
    today = date(2027, 3, 2)

    assert grade_on(Grade.PGY3, today, date(2026, 7, 1)) is Grade.PGY3
    assert grade_on(Grade.PGY3, today, date(2026, 6, 30)) is Grade.PGY2
    assert grade_on(Grade.PGY1, today, date(2020, 1, 1)) is Grade.PGY1
    assert grade_on(Grade.ATTENDING, today, date(2020, 1, 1)) is Grade.ATTENDING


# --- counting ---


def test_total_major_counts_surgeon_lines_and_only_the_first_fifty_ta_lines() -> None:
    surgeon = [line("cat", SC, f"s{i}") for i in range(30)]
    teaching = [line("cat", TA, f"t{i}", day=DAY + timedelta(days=i)) for i in range(60)]
    assisting = [line("cat", FA, f"f{i}") for i in range(5)]

    counted = tally([*surgeon, *teaching, *assisting])

    assert counted.major == 30 + 50
    assert counted.chief_year_major == 30
    assert counted.ta == 60
    assert counted.fa == 5


def test_the_ta_lines_that_count_are_the_first_fifty_by_date_whatever_the_order_given() -> None:
    teaching = [line("cat", TA, f"t{i}", day=DAY - timedelta(days=i)) for i in range(60)]

    counted = counted_ta(teaching)

    assert len(counted) == 50
    assert [e.day for e in counted] == sorted(e.day for e in teaching)[:50]


def test_sc_sj_and_ta_lines_count_toward_categories_and_fa_toward_none() -> None:
    counted = tally([line("ann", SJ, "a"), line("ann", TA, "b"), line("ann", FA, "c")])

    assert counted.count("abdominal.biliary") == 2
    assert counted.count("abdominal") == 2
    assert counted.count("lap-basic") == 2
    assert counted.count("breast") == 0


def test_a_sub_category_line_counts_toward_its_parent_even_when_the_line_left_it_out() -> None:
    counted = tally([line("ann", SJ, categories=("breast.mastectomy",))])

    assert counted.count("breast") == 1 and counted.count("breast.mastectomy") == 1


def test_non_operative_lines_count_toward_their_category_but_are_no_major_case() -> None:
    counted = tally([line("ann", SJ, "a", categories=("trauma-nonoperative",)), line("ann", SJ, "b")])

    assert counted.count("trauma-nonoperative") == 1
    assert counted.major == 1


def test_parents_come_once_each_in_the_acgme_order() -> None:
    assert with_parents(["lap-basic", "abdominal.biliary", "abdominal.hernia", "nonsense"]) == (
        "abdominal",
        "abdominal.biliary",
        "abdominal.hernia",
        "lap-basic",
    )


# --- urgency and progress ---


def test_urgency_is_the_projected_deficit_per_month_left() -> None:
    # 10 biliary cases in 30 months: at that pace 20 more in the 30 left, 55 short of 85.
    counted = tally([line("ann", SJ, f"c{i}") for i in range(10)])

    found = urgency(counted, months_left=30, months_done=30)

    assert found["abdominal.biliary"] == (85 - 10 - 10) / 30
    assert found["breast"] == 40 / 30
    assert found[MAJOR] == (850 - 10 - 10) / 30


def test_a_category_on_pace_to_its_minimum_has_no_urgency_and_the_last_month_counts_as_one() -> None:
    counted = tally([line("ann", SJ, f"c{i}", categories=("abdominal.liver",)) for i in range(3)])

    assert urgency(counted, months_left=30, months_done=30)["abdominal.liver"] == 0.0
    assert urgency(tally([]), months_left=0.5, months_done=59.5)["abdominal.liver"] == 5.0


def test_months_in_training_run_from_the_first_of_july_of_the_first_year() -> None:
    assert months_in_training(Grade.PGY1, date(2026, 7, 1)) == 0
    assert round(months_in_training(Grade.PGY3, date(2027, 1, 1)), 1) == 30.0
    assert round(months_to_graduation(Grade.PGY5, date(2027, 6, 30)), 1) == 0.0


def test_progress_rows_compare_with_the_programs_target_for_the_year_and_say_who_is_behind() -> None:
    # Half-way through PGY-2: on pace would be 150 + (300 - 150) / 2 = 225 major cases.
    rows = {
        r.category: r for r in progress(tally([line("ann", SJ, f"c{i}") for i in range(100)]), Grade.PGY2, 18)
    }

    assert rows[MAJOR].count == 100 and rows[MAJOR].target == 300 and rows[MAJOR].expected == 225
    assert rows[MAJOR].behind
    # 225 of the 1050 due at graduation: 21% of each minimum, 18 of biliary's 85.
    assert rows["abdominal.biliary"].expected == 18 and not rows["abdominal.biliary"].behind
    assert rows["breast"].minimum == 40 and rows["breast"].behind
    assert rows[CHIEF_YEAR_MAJOR].expected == 0 and not rows[CHIEF_YEAR_MAJOR].behind
    assert rows[TEACHING].expected == 0


def test_a_programs_own_targets_replace_the_default() -> None:
    mine = YearlyTargets(
        {Grade.PGY1: 80, Grade.PGY2: 250, Grade.PGY3: 450, Grade.PGY4: 700, Grade.PGY5: 1000}
    )

    rows = progress(tally([]), Grade.PGY1, 12, targets=mine)

    assert (rows[0].category, rows[0].target, rows[0].expected) == (MAJOR, 80, 80)
    assert rows[0].behind


def test_the_targets_run_straight_within_each_year() -> None:
    targets = YearlyTargets()

    assert [targets.at(m) for m in (0, 6, 12, 30, 60, 70)] == [0, 75, 150, 400, 1050, 1050]
    assert YearlyTargets({Grade.PGY1: 80}).at(6) is None


def test_without_a_target_for_every_year_the_acgme_minimum_is_spread_over_five_years() -> None:
    rows = progress(tally([]), Grade.PGY1, 12, targets=YearlyTargets({Grade.PGY1: 80}))

    assert (rows[0].target, rows[0].expected) == (80, 170)
    assert next(r for r in rows if r.category == "breast").expected == 8
