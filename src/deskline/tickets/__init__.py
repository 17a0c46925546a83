"""Tickets: statuses, types, priorities, comments, attachments, links, history, numbering."""
