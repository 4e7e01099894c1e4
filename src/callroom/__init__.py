"""callroom: rosters, duty hours and paging for a teaching hospital's surgical service."""

__version__ = "0.1.0"
