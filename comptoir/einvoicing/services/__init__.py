"""Writes of the e-invoicing domain."""
