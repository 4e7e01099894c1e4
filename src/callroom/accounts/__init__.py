"""Accounts, roles, sessions and API tokens: who may do what (issue 5)."""
