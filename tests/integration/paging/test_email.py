"""Email through a real SMTP server (aiosmtpd): plain, with STARTTLS and a login, refused, down,
and cut off during DATA (an unknown outcome, which email does not resend)."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from callroom.domain.paging import Channel
from callroom.paging.service import PageRequest, PagingService
from callroom.paging.transports.email import EmailTransport, SmtpSettings
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from tests.integration.paging.conftest import OPERATOR, ManualClock, drain, make_worker
from tests.paging_world import store_world, world_yaml


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Mailbox:
    """An aiosmtpd handler that keeps what it accepts, or refuses with a scripted reply."""

    def __init__(self, reply: str = "250 OK") -> None:
        self.reply = reply
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reply.startswith("250"):
            self.messages.append(message_from_bytes(envelope.content))
        return self.reply


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def page_dora(paging: PagingService) -> int:
    # dora's contact rules: in-app and email at once; her address is dora@paging.test.
    return paging.send(
        PageRequest("nurse-4", "person:dora", "Bed 12: BP 80/50", "x4410", patient_ref="MRN-0042 Jane Doe")
    ).id


def email_states(paging: PagingService, page_id: int) -> list[tuple[str, int, str | None]]:
    detail = paging.detail(OPERATOR, page_id)
    return [(m.state, m.attempts, m.note) for m in detail.messages if m.channel == "email"]


def test_an_email_reaches_a_real_smtp_server_without_the_patient(
    paging: PagingService, world: Database, clock: ManualClock, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    page_id = page_dora(paging)
    worker = make_worker(world, clock, {Channel.EMAIL: EmailTransport(SmtpSettings("127.0.0.1", port))})

    drain(worker)

    [email] = box.messages
    assert email["To"] == "dora@paging.test"
    assert email["Message-ID"] == f"<page-{page_id}/recipient-1/email@callroom>"
    assert "Bed 12: BP 80/50" in email.get_payload()
    assert "MRN-0042" not in email.as_string() and "Jane Doe" not in email.as_string()
    assert email_states(paging, page_id)[0][0] == "sent"


def test_an_email_that_an_escalation_adds_goes_out_in_the_pass_that_escalated(
    database: Database, clock: ManualClock, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    store_world(database, world_yaml(wait="30s"))
    paging = PagingService(database, LiveSchedules(), clock)
    paging.send(PageRequest("nurse-4", "post:ward", "Bed 12: BP 80/50", "x4410"))
    transports = {Channel.EMAIL: EmailTransport(SmtpSettings("127.0.0.1", port))}
    worker = make_worker(database, clock, transports, attempts=1)
    clock.advance(30)
    drain(worker)  # the senior, cy: her webhook fails for good (none is configured); email a minute on
    clock.advance(30)  # nothing external is due now, until the attending, dora, is paged (email at once)

    worker.run_once()

    assert [email["To"] for email in box.messages] == ["dora@paging.test"]


def test_email_goes_over_starttls_with_a_login(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    box, port = Mailbox(), free_port()

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"callroom", b"s3cret")
        return AuthResult(success=ok)

    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_context,
        require_starttls=True,
        authenticator=check,
    )
    controller.start()
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    settings = SmtpSettings("127.0.0.1", port, starttls=True, user="callroom", password="s3cret")
    transport = EmailTransport(settings, tls_context=client_context)
    try:
        page_id = page_dora(paging)
        drain(make_worker(world, clock, {Channel.EMAIL: transport}))
    finally:
        controller.stop()

    assert len(box.messages) == 1
    assert email_states(paging, page_id)[0][0] == "sent"


def test_a_permanent_refusal_fails_the_message_and_is_not_retried(
    paging: PagingService, world: Database, clock: ManualClock, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    box.reply = "550 5.1.1 mailbox unavailable"
    page_id = page_dora(paging)
    worker = make_worker(world, clock, {Channel.EMAIL: EmailTransport(SmtpSettings("127.0.0.1", port))})

    drain(worker)
    clock.advance(600)
    drain(worker)

    [(state, attempts, note)] = email_states(paging, page_id)
    assert (state, attempts) == ("failed", 1)
    assert note is not None and "550" in note


def test_a_server_that_is_down_is_retried_with_backoff_until_the_attempts_run_out(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    page_id = page_dora(paging)
    down = EmailTransport(SmtpSettings("127.0.0.1", free_port()))
    worker = make_worker(world, clock, {Channel.EMAIL: down})

    drain(worker)
    assert email_states(paging, page_id)[0][:2] == ("pending", 1)
    clock.advance(2)
    drain(worker)
    assert email_states(paging, page_id)[0][:2] == ("pending", 2)
    clock.advance(4)
    drain(worker)

    [(state, attempts, note)] = email_states(paging, page_id)
    assert (state, attempts) == ("failed", 3)
    assert note is not None and "gave up after 3 attempts" in note


def test_a_connection_cut_during_data_is_an_unknown_outcome_and_is_not_resent(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    port, datas = free_port(), list[bytes]()
    server = threading.Thread(target=cut_off_during_data, args=(port, datas), daemon=True)
    server.start()
    page_id = page_dora(paging)
    cut = EmailTransport(SmtpSettings("127.0.0.1", port, timeout_s=5))
    worker = make_worker(world, clock, {Channel.EMAIL: cut})

    drain(worker)
    clock.advance(3600)
    drain(worker)
    server.join(timeout=10)

    [(state, attempts, note)] = email_states(paging, page_id)
    assert (state, attempts) == ("unknown", 1)
    assert note is not None and "not resent" in note
    assert len(datas) == 1


def cut_off_during_data(port: int, datas: list[bytes]) -> None:
    """A one-shot SMTP peer that takes the message and hangs up before saying 250."""
    with socket.create_server(("127.0.0.1", port)) as listener:
        listener.settimeout(10)
        connection, _ = listener.accept()
        with connection, connection.makefile("rwb") as stream:

            def say(line: str) -> None:
                stream.write(line.encode() + b"\r\n")
                stream.flush()

            say("220 cutoff ESMTP")
            while line := stream.readline():
                command = line.decode().strip().upper()
                if command.startswith(("EHLO", "HELO")):
                    say("250 cutoff")
                elif command.startswith(("MAIL", "RCPT")):
                    say("250 OK")
                elif command == "DATA":
                    say("354 go ahead")
                    datas.append(b"".join(iter(lambda: stream.readline(), b".\r\n")))
                    return  # hang up: the client cannot know whether we kept it
