"""scanflow CLI: review commands."""
