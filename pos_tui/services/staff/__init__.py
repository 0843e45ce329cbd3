"""Employees: signing in, roles, supervisor approval and PINs."""
