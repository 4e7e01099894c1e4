"""Email over SMTP (optionally STARTTLS and a login), one message per connection.

Outcomes follow the SMTP conversation: anything that fails before DATA is known not to have been
accepted (retry on 4xx and network errors, give up on 5xx); a 4xx/5xx answer to DATA is a known
refusal; a connection lost during DATA is an unknown outcome, which email does not resend (see
the unknown-outcome policy in `callroom.paging.engine`). The body never carries the patient.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import ClassVar

from callroom.domain.paging import Channel
from callroom.paging.engine import Outcome
from callroom.paging.transports.base import OutboundMessage, SendResult


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    sender: str = "callroom@localhost"
    timeout_s: float = 10.0


def email_for(message: OutboundMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.address
    kind = "Notice" if message.notice else "Page"
    email["Subject"] = f"[{message.priority.upper()}] {kind} from {message.sender}: {message.body[:60]}"
    # A stable Message-ID lets mail systems that deduplicate on it drop a repeat.
    email["Message-ID"] = f"<{message.idempotency_key}@callroom>"
    email["X-Callroom-Idempotency-Key"] = message.idempotency_key
    answer = "no answer is needed" if message.notice else "acknowledge it in callroom"
    email.set_content(
        f"{message.priority.upper()} {kind.lower()} from {message.sender}\n\n{message.body}\n\n"
        + (f"Call back: {message.callback}\n" if message.callback else "")
        + f"{kind} {message.page_id}, for {message.target}: {answer}.\n"
        f"Why you: {message.reason}\n"
    )
    return email


def _refused(error: smtplib.SMTPResponseException, when: str) -> SendResult:
    outcome = Outcome.FAILED if 500 <= error.smtp_code < 600 else Outcome.RETRY
    return SendResult(outcome, f"{when}: {error.smtp_code} {error.smtp_error!r}")


class EmailTransport:
    channel: ClassVar[Channel] = Channel.EMAIL
    dedupes: ClassVar[bool] = False

    def __init__(self, settings: SmtpSettings, *, tls_context: ssl.SSLContext | None = None) -> None:
        self._settings = settings
        # The system's trust store unless told otherwise (tests bring their own authority).
        self._tls = tls_context or ssl.create_default_context()

    def send(self, message: OutboundMessage) -> SendResult:
        s = self._settings
        try:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
        except (OSError, smtplib.SMTPException) as error:
            return SendResult(Outcome.RETRY, f"could not connect to {s.host}:{s.port}: {error}")
        with smtp:
            return self._converse(smtp, email_for(message, s.sender))

    def _converse(self, smtp: smtplib.SMTP, email: EmailMessage) -> SendResult:
        try:
            self._envelope(smtp, email)
        except smtplib.SMTPResponseException as error:
            return _refused(error, "refused before DATA")
        except (OSError, smtplib.SMTPException) as error:
            return SendResult(Outcome.RETRY, f"failed before DATA: {error}")
        try:
            code, reply = smtp.data(email.as_bytes())
        except smtplib.SMTPResponseException as error:
            return _refused(error, "refused the message")
        except (OSError, smtplib.SMTPException) as error:
            return SendResult(Outcome.UNKNOWN, f"connection lost during DATA: {error}")
        if code != 250:  # smtplib returns, rather than raises, the reply to the message itself
            return _refused(smtplib.SMTPDataError(code, reply), "refused the message")
        return SendResult(Outcome.SENT, f"accepted: {code} {reply.decode(errors='replace')}")

    def _envelope(self, smtp: smtplib.SMTP, email: EmailMessage) -> None:
        s = self._settings
        smtp.ehlo()
        if s.starttls:
            smtp.starttls(context=self._tls)
            smtp.ehlo()
        if s.user:
            smtp.login(s.user, s.password or "")
        code, reply = smtp.mail(s.sender)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, s.sender)
        code, reply = smtp.rcpt(str(email["To"]))
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({str(email["To"]): (code, reply)})
