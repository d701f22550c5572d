"""The dashboard's pages; only ``app.py`` imports them."""
