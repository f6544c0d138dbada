"""Past case reviews from spreadsheets (``chiiki casemeetings import``): see ``imports``."""
