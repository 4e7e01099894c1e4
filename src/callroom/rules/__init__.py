"""Pure rule checkers: check_<rule>(context) -> list[Violation], one per RuleId."""
