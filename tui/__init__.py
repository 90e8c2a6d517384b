"""gcal-tui: Google Calendar in the terminal, signed in with oauth2client."""

__version__ = "0.1.0"
