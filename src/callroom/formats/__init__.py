"""Importers and exporters: the program YAML file, roster CSV and iCalendar, benchmark text."""
