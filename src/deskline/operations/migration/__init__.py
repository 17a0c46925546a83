"""Moving in from another help desk: readers for django-helpdesk, osTicket and Zammad that turn
the old system's rows into plain records (`records.py`), and one loader that writes them through
the ticket and client services, once per old id (`loader.py`)."""
