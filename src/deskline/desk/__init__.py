"""The agents' desk: server-rendered pages with htmx."""
