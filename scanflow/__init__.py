"""scanflow: scanner pages to Vietnamese searchable PDF/A-2b, tagged against the case register."""

__version__ = "0.1.0"
