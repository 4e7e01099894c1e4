"""Rosters built without CP-SAT's search, given to it as a warm start: a constructor per person,
whole-block plans per person, and column generation that mixes them."""
