"""Message senders for reminders: SMTP (settings ``CDCARE_SMTP_*``), pluggable by protocol.

Settings: ``CDCARE_SMTP_HOST`` (empty = no e-mail; reminders are shown in the portal only),
``CDCARE_SMTP_PORT`` (587), ``CDCARE_SMTP_TLS`` = ``starttls`` (default) | ``ssl`` (implicit
TLS, usually port 465) | ``none`` (a local relay only), ``CDCARE_SMTP_USERNAME`` /
``CDCARE_SMTP_PASSWORD`` (login when a username is set), ``CDCARE_SMTP_FROM_ADDR`` (the From
address), ``CDCARE_SMTP_TIMEOUT`` (seconds), ``CDCARE_SMTP_CA_FILE`` (a PEM bundle to trust
instead of the system's store, e.g. for a hospital's internal relay). Server certificates and
host names are always verified.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from cdcare.errors import N_, ConfigError


class SmtpSettings(BaseSettings):
    """SMTP settings from ``CDCARE_SMTP_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="CDCARE_SMTP_", extra="ignore")

    host: str = ""
    port: int = 587
    tls: Literal["starttls", "ssl", "none"] = "starttls"
    username: str = ""
    password: SecretStr = SecretStr("")
    from_addr: str = ""
    timeout: float = 20.0
    ca_file: str = ""


class SmtpSender:
    """Sends one plain-text UTF-8 message per call over SMTP."""

    channel = "email"

    def __init__(self, settings: SmtpSettings) -> None:
        if not settings.host:
            raise ConfigError(N_("Set CDCARE_SMTP_HOST to send e-mail"))
        if not settings.from_addr:
            raise ConfigError(N_("Set CDCARE_SMTP_FROM_ADDR (the sender's address)"))
        self.settings = settings

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.ca_file or None)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.tls == "ssl":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
        conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.tls == "starttls":
            conn.starttls(context=self._context())
        return conn

    def send(self, *, to: str, subject: str, body: str) -> None:
        """Deliver to the server; raises ``smtplib.SMTPException`` / ``OSError`` on failure."""
        msg = EmailMessage()
        msg["From"] = self.settings.from_addr
        msg["To"] = to
        msg["Subject"] = subject
        msg["Message-ID"] = make_msgid(domain=self.settings.from_addr.rpartition("@")[2] or None)
        msg.set_content(body)
        with self._connect() as conn:
            if self.settings.username:
                conn.login(self.settings.username, self.settings.password.get_secret_value())
            conn.send_message(msg)


def sender_from_settings(settings: SmtpSettings | None = None) -> SmtpSender | None:
    """The configured sender, or None when no SMTP host is set (portal only)."""
    settings = settings or SmtpSettings()
    return SmtpSender(settings) if settings.host else None
