"""The academic year: its plan, and the block programs made from it."""
