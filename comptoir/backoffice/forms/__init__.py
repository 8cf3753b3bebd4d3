"""Back-office forms, one module per screen: input checks only, with French
messages. Importers name the module (`from ..forms.clients import …`)."""
