"""Shifts and cash: the float, paid in and out, cash drops, payments on account at the lane,
X and Z reports (docs/shifts.md)."""
