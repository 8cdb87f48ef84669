"""Stored image files and their renditions for each screen class."""
