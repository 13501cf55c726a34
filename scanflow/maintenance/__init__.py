"""Maintenance of an existing archive: reprocessing dossiers from their originals, and the fixity audit."""
