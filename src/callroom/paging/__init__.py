"""Paging: page a person, a role, a team or a group from the live schedule; acknowledge, escalate,
and never lose a page.

Pure layers (`policy`, `engine`, `routing`) decide; `service` and `worker` do the I/O: they write
pages, recipients, deadlines and outbound messages as rows in one transaction, and workers claim
due rows with conditional updates, so any number of them can run and a crash delays, never loses.
"""
