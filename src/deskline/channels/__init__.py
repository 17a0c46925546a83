"""Inbound and outbound channels: email (IMAP, SMTP, push) and outgoing webhooks."""
