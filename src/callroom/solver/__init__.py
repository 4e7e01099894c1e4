"""The CP-SAT roster model: add_<rule> builders mirroring the checkers in callroom.rules."""
