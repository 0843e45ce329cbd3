"""The back office's use cases: reference data, store options, price lists and the customer list."""
