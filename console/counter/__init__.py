"""The counter console: a Textual app for signed-in staff and managers (``marquee console``)."""
