"""Field service: checklists and time on tickets (visits, dispatch and planned maintenance come
next, see issue 15)."""
