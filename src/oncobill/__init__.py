"""OncoBill: revenue-cycle billing for medical and radiation oncology practices."""

__version__ = "0.1.0"
