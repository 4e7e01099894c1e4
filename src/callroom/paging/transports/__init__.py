"""Transports: how an outbound message leaves. One narrow interface (`base.Transport`), one module
per channel: the in-app inbox, email over SMTP, webhooks to an SMS or voice gateway, and a fake
for unit tests."""
