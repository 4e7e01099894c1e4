"""Rostering with CP-SAT: `run.solve` builds the model (build), warms it with heuristics, explains
what has no roster (explain) and repairs a published roster after a sick call (repair)."""
