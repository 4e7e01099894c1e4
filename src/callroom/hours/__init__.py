"""Duty hours as worked: logging with history, compliance on actual hours, what-if."""
