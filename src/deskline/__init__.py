"""Deskline: an open help desk for B2B service companies and internal service teams."""
