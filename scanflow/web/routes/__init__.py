"""The dashboard's routes, one module per area: sign-in, overview, dossiers, review, search, reports, admin, API."""
