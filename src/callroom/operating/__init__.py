"""The operating room: a day's cases imported from the OR schedule, the chief's assignment of
residents to them (solved, then moved by hand, checked, published with a notice to each
resident), the residents' case logs against the ACGME minimums, and the patient guard.

Patient identifiers leave the database only through `patients.PatientGuard.read`, which decides
who may see them and writes the access-log row in the same transaction; nothing else here hands
out a `Patient`. The board, plans, notices and case logs name no patient.
"""
