"""Hall kiosk: the core of an electric-utility business hall queue system."""
