"""Featureboard's deployed library: everything app.py wires together."""
