"""Triage that learns: classifiers trained from history, calibrated suggestions."""
