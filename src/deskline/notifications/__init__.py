"""Notifications: templates with variables, an outbox with retries, per-user preferences."""
