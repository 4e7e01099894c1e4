"""Why a program has no roster: cover against capacity by arithmetic, else the smallest set of
guarded rules CP-SAT finds in conflict, in words."""
