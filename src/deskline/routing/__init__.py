"""Routing rules, assignment strategies, lines of support, automation triggers, webhooks."""
