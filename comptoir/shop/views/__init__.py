"""Shop views, one module per screen: catalog, cart, checkout, payment return,
provider pages."""
