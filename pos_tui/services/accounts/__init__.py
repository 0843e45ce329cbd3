"""Customers' receivable accounts outside a sale: payments, subscriptions and service charges."""
