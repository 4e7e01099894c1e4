"""Pure value types of the roster model. Nothing here reads the clock, the environment or a database."""
