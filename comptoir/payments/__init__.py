"""Online payment providers, used by the shop and the back office alike.

Providers live in `comptoir.payments.providers`, one module each.
"""
