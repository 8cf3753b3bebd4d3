"""What the two customer-facing front ends share, below both: the page
mixin (organization, signed-in member, park, eligibility) and the basket in
the session, which the shop fills and every customer-facing page counts and
empties once paid. `shop` and `members` import it; it imports neither."""
