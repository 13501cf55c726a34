"""scanflow CLI: web commands."""
