"""The supervisor dashboard: a server-rendered web app over the station's database and archive."""
