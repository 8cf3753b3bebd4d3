"""Member-space views, one module per screen: login, home, invoices, profile,
bookings/tickets/vouchers, password."""
