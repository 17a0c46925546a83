"""Knowledge: reply templates for agents and the knowledge base (articles, search, help centre)."""
