"""scanflow CLI: scale commands."""
