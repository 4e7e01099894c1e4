"""Pure value types of the roster model. Nothing here reads the clock (but `clock.utc_now`, the one
reading of the real clock, which services take by default), the environment or a database."""
