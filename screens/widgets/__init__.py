"""Widgets the screens of the kiosk and the console share."""
