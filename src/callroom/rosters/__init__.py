"""The roster service tier: the live roster and every way a stored roster changes.

`live.LiveSchedules` finds the live roster (the block holding today, else the newest stored) and
keeps each version parsed once; `service.RosterService` previews and saves the chief's cell
edits, replaces the program file, stores a solve's roster and reads versions and their diffs;
`store.add_version` is the one path by which any feature (edits, approved changes, open
shifts) writes a new version of the live roster, with its penalty report and a typed audit
(`audit`). The API, the web pages and the CLI are thin callers of this package.
"""
