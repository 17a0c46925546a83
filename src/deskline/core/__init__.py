"""Shared building blocks: settings helpers, value types, HTML sanitising, errors."""
