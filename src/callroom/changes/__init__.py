"""Changes to a published roster: sick-call repair, open shifts, swaps and requests."""
