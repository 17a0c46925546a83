"""Knowledge: reply templates for agents (and, later, knowledge-base articles)."""
