"""Sending e-mail through the store's SMTP server (``[smtp]`` in the config), standard library only.

A failure says whether trying again later can help: a server that cannot be reached, a timeout
or a 4xx answer is temporary (the message waits for the next try); a 5xx answer (the recipient
or the sender refused) or an address that is not one is permanent.
"""

from __future__ import annotations

import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from pos_tui.config import SmtpConfig


class MailError(Exception):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


def recipient(address: str | None) -> str:
    """The e-mail address as given, or MailError (permanent) when it is not one."""
    text = (address or "").strip()
    _name, addr = parseaddr(text)
    if not addr or "@" not in addr or any(c in addr for c in "\r\n\t <>,;") or addr != text:
        raise MailError(f"{text or 'no address'!r} is not an e-mail address", permanent=True)
    try:
        Address(addr_spec=addr)
    except (ValueError, IndexError):
        raise MailError(f"{text!r} is not an e-mail address", permanent=True) from None
    return addr


def message(*, sender: str, to: str, subject: str, body: str, at: object) -> EmailMessage:
    """A plain-text UTF-8 message; header values cannot carry line breaks (the policy refuses)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = " ".join(subject.split())
    msg["Date"] = format_datetime(at)  # type: ignore[arg-type]
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("<> ") or None)
    msg.set_content(body)
    return msg


class SmtpMailer:
    """One connection for a run's messages: ``with SmtpMailer(cfg) as m: m.send(msg)``."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    @property
    def configured(self) -> bool:
        return bool(self.config.host.strip())

    def __enter__(self) -> SmtpMailer:
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        if not self.configured:
            raise MailError("no mail server is set up ([smtp] host)", permanent=False)
        try:
            if cfg.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    cfg.host, cfg.port, timeout=cfg.timeout_seconds,
                    context=ssl.create_default_context(),
                )  # fmt: skip
            else:
                smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_seconds)
                if cfg.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if cfg.username:
                smtp.login(cfg.username, cfg.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(
                f"the mail server refused the login: {exc.smtp_code}", permanent=False
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(
                f"mail server {cfg.host}:{cfg.port} not reached: {exc}", permanent=False
            ) from None
        return smtp

    def send(self, msg: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            raise MailError(
                f"the mail server refused the recipient ({', '.join(map(str, codes))})",
                permanent=all(code >= 500 for code in codes),
            ) from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            said = (
                exc.smtp_error.decode("utf-8", "replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            raise MailError(
                f"the mail server answered {exc.smtp_code}: {said}",
                permanent=exc.smtp_code >= 500,
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise MailError(f"sending failed: {exc}", permanent=False) from None
        if refused:
            raise MailError(f"the mail server refused {', '.join(refused)}", permanent=True)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None
