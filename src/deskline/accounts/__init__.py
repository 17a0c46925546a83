"""Users, roles, teams (lines of support) and API tokens."""
