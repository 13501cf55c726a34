"""scanflow CLI: watch commands."""
