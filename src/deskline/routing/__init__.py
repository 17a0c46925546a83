"""Routing rules, assignment strategies, lines of support and automation triggers."""
