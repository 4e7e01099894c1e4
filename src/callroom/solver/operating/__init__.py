"""The OR day's assignment: residents to cases with CP-SAT, and why a case is left uncovered.

Pure: the request carries everything (cases, needs, candidates with their case-log urgency,
availability from `rules.operating`, conflicts, continuity, pairings); `assign_day` answers a
plan that `rules.operating.check_plan` accepts, with the objective, its proven bound, and for
each case nobody could take, why each candidate is out.
"""

from callroom.solver.operating.request import Candidate, OrRequest, OrWeights
from callroom.solver.operating.run import OrResult, OrWatch, assign_day

__all__ = ["Candidate", "OrRequest", "OrResult", "OrWatch", "OrWeights", "assign_day"]
