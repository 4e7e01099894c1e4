"""The "on call now" board as data: every post, who holds it at an instant and who is next.

Pure: a `Schedule` (program and roster) and the instant are passed in. Holders are listed
most junior first, as paging reaches them (first call in a teaching hospital).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from callroom.domain.program import Post, Program
from callroom.paging.routing import Schedule
from callroom.rules.context import Work


@dataclass(frozen=True)
class Holder:
    person_id: str
    name: str
    grade: str
    shift: str
    start: datetime  # in the hospital's zone
    end: datetime


@dataclass(frozen=True)
class PostRow:
    post: Post
    service: str
    now: tuple[Holder, ...]
    next: tuple[Holder, ...]  # the holders of the next shift to start on the post

    def matches(self, query: str) -> bool:
        """Case-insensitive search over the post, its service and the people on it."""
        words = [self.post.name, self.post.id, self.service, *(h.name for h in (*self.now, *self.next))]
        return query.casefold() in " ".join(words).casefold()


def board(schedule: Schedule, at: datetime, query: str = "") -> list[PostRow]:
    """Every post of the program (those matching `query`), holders at `at` and next."""
    origin, zone = schedule.context.timeline.origin, schedule.context.timeline.zone
    minute = schedule.minute(at)
    program = schedule.program
    rows = []
    for post in program.posts:
        works = schedule.by_post.get(post.id, ())
        now = [w for w in works if w.start <= minute < w.end]
        later = [w for w in works if w.start > minute]
        following = [w for w in later if w.start == later[0].start] if later else []
        row = PostRow(
            post,
            program.service[post.service_id].name,
            _holders(program, now, origin, zone),
            _holders(program, following, origin, zone),
        )
        if not query or row.matches(query):
            rows.append(row)
    return rows


def _holders(program: Program, works: list[Work], origin: datetime, zone: tzinfo) -> tuple[Holder, ...]:
    ordered = sorted(
        works, key=lambda w: (int(program.person[w.assignment.person_id].grade), w.assignment.person_id)
    )
    return tuple(_holder(program, w, origin, zone) for w in ordered)


def _holder(program: Program, work: Work, origin: datetime, zone: tzinfo) -> Holder:
    person = program.person[work.assignment.person_id]
    start = (origin + timedelta(minutes=work.start)).astimezone(zone)
    end = (origin + timedelta(minutes=work.end)).astimezone(zone)
    return Holder(person.id, person.name, person.grade.label, work.shift.name, start, end)


def block_span(schedule: Schedule) -> tuple[datetime, datetime]:
    """The first and last instants of the block, for saying when `now` falls outside it."""
    timeline = schedule.context.timeline
    return timeline.origin, timeline.origin + timedelta(minutes=timeline.end)


def person_shifts(schedule: Schedule, person_id: str) -> list[tuple[Holder, str]]:
    """A person's shifts in the roster, in time order, each with its post's name."""
    timeline = schedule.context.timeline
    works = sorted(schedule.context.work.get(person_id, ()), key=lambda w: w.start)
    return [(_holder(schedule.program, w, timeline.origin, timeline.zone), w.post.name) for w in works]
