"""Marshmallow schemas of the management API: they validate requests and document the API."""
