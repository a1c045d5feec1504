"""Hall kiosk: the core of an electric-utility business hall queue system."""

__version__ = "0.1.0"
