"""Deskline's SQLite database backend (see `base`)."""
