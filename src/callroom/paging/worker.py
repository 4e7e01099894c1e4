"""`callroom worker`: claims due work and does it; any number may run against one database.

Each pass, after one read-only statement saying what is due (so an idle poll is one query, and a
busy pass opens no transaction that would find nothing):
1. escalations: due pages are locked (FOR UPDATE SKIP LOCKED) and escalated in one transaction,
   so a crash rolls back and the next worker redoes it after one poll (the step's in-app messages
   due at once are delivered in it, see `callroom.paging.delivery`); it ends with the same read,
   which tells the rest of the pass what the escalations left due;
2. in-app messages that came due later (a contact rule put them off): claimed, put in the inbox
   and recorded in one transaction (exactly once);
3. email and webhook messages: claimed under a token and a lease (one transaction), sent outside
   any transaction, and recorded with a conditional update on the token (a second one);
4. messages whose lease ran out: the unknown-outcome policy (see `callroom.paging.engine`).
A pass that found work is followed at once by another, unless all it did was escalate and the
read that ends the escalations finds nothing more due now. An idle worker sleeps until a sender's
commit wakes it (`callroom.storage.wakeup`), the next deadline or pending message it read comes
due (the pass then begins with the escalations' transaction: work is known to be due, and the
read comes at its end), or one poll interval has passed (the safety net: a wake-up can be lost,
and a sender does not wake the workers for a deadline it writes, so a deadline nearer than one
poll can be late by up to one).
Setting the stop event (SIGTERM in the CLI) drains: the pass in progress finishes, sends in
flight included, and `run` returns.

The database may go away under a worker (a PostgreSQL crash, failover or restart): a pass that
finds it unavailable is abandoned, its transaction rolled back, and the worker tries again with a
capped backoff, logging one line when the outage begins and one when it ends, until the database
is back or it is told to stop. Nothing is lost: due work stays due in the database. The results
of sends already made are kept and recorded once the database is back (for as long as their
lease, after which the unknown-outcome policy takes the messages over).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from callroom.config import Settings
from callroom.domain.clock import Clock, utc_now
from callroom.domain.paging import Channel, EventKind, MessageState
from callroom.errors import Unavailable
from callroom.paging.delivery import (
    Deliveries,
    cancelled_why,
    claim_token,
    deliver_inapp,
    mark_delivered,
    outbound,
)
from callroom.paging.engine import DeliveryRules, Outcome, after_send, lease_expired
from callroom.paging.escalation import escalate
from callroom.paging.transports.base import SendResult, Transport
from callroom.paging.transports.email import EmailTransport, SmtpSettings
from callroom.paging.transports.webhook import WebhookSettings, WebhookTransport
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from callroom.storage.outage import Backoff
from callroom.storage.outbox_repositories import DueWork, OutboxRepository
from callroom.storage.paging_records import ClaimedMessage, NewEvent
from callroom.storage.paging_repositories import PageRepository
from callroom.storage.wakeup import Wake

Sent = tuple[SendResult, str | None]
"""What came of one send: the transport's result, and why it was cancelled instead (or None)."""
EXTERNAL = (Channel.EMAIL.value, Channel.WEBHOOK.value)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerOptions:
    poll_interval_s: float = 0.1
    batch: int = 200
    lease_s: float = 30.0
    delivery: DeliveryRules = DeliveryRules()
    send_threads: int = 8


class Worker:
    def __init__(
        self,
        database: Database,
        schedules: LiveSchedules,
        transports: Mapping[Channel, Transport],
        options: WorkerOptions,
        clock: Clock,
        name: str = "worker",
    ) -> None:
        self._database = database
        self._schedules = schedules
        self._transports = transports
        self._options = options
        self._clock = clock
        self.name = name
        self._pool = ThreadPoolExecutor(max_workers=options.send_threads, thread_name_prefix="send")
        self._stop = threading.Event()
        self._backoff = Backoff(name)  # one per worker: an outage is logged once, wherever met
        self._next_at: datetime | None = None  # the last pass's read: when work next comes due

    @property
    def poll_interval_s(self) -> float:
        return self._options.poll_interval_s

    def run(self, stop: threading.Event) -> None:
        """Work until `stop` is set, then finish the pass in progress and return. While the
        database is unavailable, try again with a backoff (see the module doc)."""
        self._stop = stop
        wakeups = self._database.wakeups
        expected = False  # the last sleep ended when the last read said work comes due
        try:
            while not stop.is_set():
                mark = wakeups.mark(Wake.OUTBOX)
                try:
                    done, settled = self._pass(expected)
                except Unavailable as error:
                    stop.wait(self._backoff.failed(error))
                    continue
                self._backoff.succeeded()
                expected = False
                if done == 0 or settled:
                    sleep_s, until_due = self._idle()
                    expected = not wakeups.wait(Wake.OUTBOX, mark, sleep_s) and until_due
        finally:
            self._pool.shutdown(wait=True)

    def run_once(self) -> int:
        """One pass over everything due now; how many pages and messages it handled."""
        return self._pass(expected=False)[0]

    def _pass(self, expected: bool) -> tuple[int, bool]:
        """One pass: how many pages and messages it handled, and whether it is known that nothing
        more is due now (so the worker may sleep without a pass to find that out). `expected`:
        work is known to be due (the time the last read gave has come), so the read that says
        what is due can wait for the escalations' transaction, which ends with it."""
        now = self._clock()
        due = None if expected else self._due(now)
        escalated = 0
        if due is None or due.pages:
            # What is due after the escalations, read in their transaction: they may have added
            # email and webhook messages due now, sent in this pass (their in-app ones went into
            # the inboxes with them), and they moved the deadlines.
            escalated, due = self._escalate(now)
        self._next_at = due.next_at
        done = escalated + (self._deliver_inapp(now) if due.inapp else 0)
        done += self._send_external(now) if due.external else 0
        done += self._expire(now) if due.expired else 0
        return done, done == escalated and not due.pages

    def _idle(self) -> tuple[float, bool]:
        """How long an idle worker sleeps: one poll, or less if work it knows of comes due first
        (then True)."""
        poll = self._options.poll_interval_s
        if self._next_at is None:
            return poll, False
        until = max(0.0, (self._next_at - self._clock()).total_seconds())
        return (until, True) if until < poll else (poll, False)

    def _due(self, now: datetime) -> DueWork:
        with self._database.reading() as session:
            return _due_work(session, now)

    def _escalate(self, now: datetime) -> tuple[int, DueWork]:
        """Escalate the pages due, in one transaction; how many, and what is due after them."""
        with self._database.session() as session:
            due = PageRepository(session).due_pages(now, self._options.batch)
            gathered = Deliveries()
            done = sum(
                escalate(session, self._schedules, page_id, now, self.name, gathered) for page_id in due
            )
            gathered.deliver(session, now)
            return done, _due_work(session, now)

    def _deliver_inapp(self, now: datetime) -> int:
        """Claim, deliver and record a batch of in-app messages in one transaction."""
        with self._database.session() as session:
            return deliver_inapp(session, now, self.name, self._options.batch)

    def _send_external(self, now: datetime) -> int:
        lease = now + timedelta(seconds=self._options.lease_s)
        lease_ends = time.monotonic() + self._options.lease_s
        with self._database.session() as session:
            claimed = OutboxRepository(session).claim(
                now, EXTERNAL, self._options.batch, lease, claim_token()
            )
        if not claimed:
            return 0
        results = list(self._pool.map(self._send_one, claimed))
        finished = self._clock()
        self._until_recorded(claimed, results, finished, lease_ends)
        return len(claimed)

    def _until_recorded(
        self, claimed: Sequence[ClaimedMessage], results: Sequence[Sent], now: datetime, lease_ends: float
    ) -> None:
        """Record the sends' results, trying again while the database is unavailable: they are
        facts (an email went out) that no later attempt could recover. Gives up (Unavailable)
        on `stop` or when the lease would run out (`lease_ends`, monotonic), since the messages
        are then the unknown-outcome policy's."""
        while True:
            try:
                with self._database.session() as session:
                    for item, (result, why) in zip(claimed, results, strict=True):
                        self._record(session, item, result, why, now)
            except Unavailable as error:
                wait = self._backoff.failed(error)
                if time.monotonic() + wait > lease_ends or self._stop.wait(wait):
                    raise
                continue
            self._backoff.succeeded()
            return

    def _send_one(self, item: ClaimedMessage) -> Sent:
        why = cancelled_why(item)
        if why is not None:
            return SendResult(Outcome.SENT, ""), why
        transport = self._transports.get(item.message.channel)
        if transport is None:
            return SendResult(Outcome.FAILED, f"no {item.message.channel} transport is configured"), None
        return transport.send(outbound(item)), None

    def _expire(self, now: datetime) -> int:
        with self._database.session() as session:
            outbox = OutboxRepository(session)
            expired = outbox.expired(now, self._options.batch, claim_token())
            for item in expired:
                transport = self._transports.get(item.message.channel)
                dedupes = transport.dedupes if transport is not None else False
                after = lease_expired(item.message.attempts, dedupes, self._options.delivery)
                self._finish(
                    session, item, after.state, after.retry_in_s, after.note, now, EventKind.LEASE_EXPIRED
                )
            return len(expired)

    def _record(
        self, session: Session, item: ClaimedMessage, result: SendResult, cancelled: str | None, now: datetime
    ) -> None:
        if cancelled is not None:
            self._finish(session, item, MessageState.CANCELLED, None, cancelled, now, EventKind.CANCELLED)
            return
        transport = self._transports.get(item.message.channel)
        dedupes = transport.dedupes if transport is not None else True
        after = after_send(result.outcome, item.message.attempts, dedupes, self._options.delivery)
        note = f"{result.detail}; {after.note}" if after.state is not MessageState.SENT else result.detail
        if self._finish(session, item, after.state, after.retry_in_s, note, now, EventKind.DELIVERY) and (
            after.state is MessageState.SENT
        ):
            mark_delivered(session, [item])

    def _finish(
        self,
        session: Session,
        item: ClaimedMessage,
        state: MessageState,
        retry_in_s: float | None,
        note: str,
        now: datetime,
        kind: EventKind,
    ) -> bool:
        """Record the message's new state under its claim, with an audit event; False if another
        worker has taken the message over since."""
        due = now + timedelta(seconds=retry_in_s) if retry_in_s is not None else None
        sent_at = now if state is MessageState.SENT else None
        if not OutboxRepository(session).finish(
            item.message.id, item.claim, state, due_at=due, note=note, sent_at=sent_at
        ):
            return False
        detail: dict[str, Any] = {
            "channel": item.message.channel,
            "attempt": item.message.attempts,
            "state": state.value,
            "note": note,
            "key": item.message.idempotency_key,
        }
        PageRepository(session).add_events(
            item.page.id, now, [NewEvent(kind, self.name, item.recipient.person_id, detail)]
        )
        # One line per email or webhook outcome, with ids a log search can follow.
        log.log(
            logging.INFO if state in (MessageState.SENT, MessageState.CANCELLED) else logging.WARNING,
            "%s message %s of page %s: %s",
            item.message.channel,
            item.message.id,
            item.page.id,
            state.value,
            extra={
                "page_id": item.page.id,
                "message_id": item.message.id,
                "channel": item.message.channel,
                "state": state.value,
                "attempt": item.message.attempts,
            },
        )
        return True


def _due_work(session: Session, now: datetime) -> DueWork:
    """What is due at `now`, in the session's transaction (in-app messages are the inbox's)."""
    return OutboxRepository(session).due_work(now, Channel.INAPP.value)


def transports_from(settings: Settings) -> dict[Channel, Transport]:
    """The external transports the settings configure (in-app needs none: it is the database)."""
    transports: dict[Channel, Transport] = {}
    if settings.smtp_host:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        transports[Channel.EMAIL] = EmailTransport(
            SmtpSettings(
                settings.smtp_host,
                settings.smtp_port,
                settings.smtp_starttls,
                settings.smtp_user,
                password,
                settings.smtp_from,
                settings.smtp_timeout_s,
            )
        )
    if settings.webhook_url and settings.webhook_secret:
        transports[Channel.WEBHOOK] = WebhookTransport(
            WebhookSettings(
                settings.webhook_url, settings.webhook_secret.get_secret_value(), settings.webhook_timeout_s
            )
        )
    return transports


def worker_from(
    settings: Settings, database: Database, schedules: LiveSchedules, name: str, clock: Clock = utc_now
) -> Worker:
    rules = DeliveryRules(settings.send_attempts, settings.retry_base_s, settings.retry_cap_s)
    options = WorkerOptions(
        settings.worker_poll_interval_s, settings.worker_batch, settings.send_lease_s, rules
    )
    return Worker(database, schedules, transports_from(settings), options, clock, name)
