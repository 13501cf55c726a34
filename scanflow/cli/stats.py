"""scanflow CLI: stats commands."""
