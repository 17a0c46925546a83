"""Inbound and outbound channels: email (IMAP, SMTP, push), later Telegram and webhooks."""
