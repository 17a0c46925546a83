"""Service-level agreements: work calendars and deadline arithmetic."""
