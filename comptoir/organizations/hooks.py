"""Where a park's settings hand over to the apps above it
(`comptoir.core.hooks`)."""

from __future__ import annotations

from comptoir.core.hooks import Hook

# series_changing(park): called by `update_park_settings`, in its
# transaction, before it checks that the park has issued no document:
# `invoicing` locks the park's document counters, so no first document can
# slip in between the check and the save.
series_changing: Hook[None] = Hook("series_changing")
