"""Minimal-change repair of a published roster after a sick call: the input, the direct path
that proves its own minimum, the staged CP-SAT search, and the answer in words."""
