"""scanflow CLI: register commands."""
