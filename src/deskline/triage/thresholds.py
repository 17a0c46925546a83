"""Thresholds the tone's readers share, in a module light enough for any process to import
(`tone` itself loads scikit-learn)."""

#: A tone head's probability from which the message is flagged angry or urgent.
FLAG_AT = 0.5
