"""Signals the maps app sends; other apps listen without maps importing them."""

from django.dispatch import Signal

# Sent after the commit that gave a map new or changed note texts, with `map_id`. The
# comparison app listens to keep its embedding cache warm (comparison.embeddings).
note_texts_changed = Signal()
