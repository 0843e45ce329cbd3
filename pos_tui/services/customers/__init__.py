"""The customer master: its fields and rules, creating and changing customers, lookup, CSV, pictures, visits and history."""
