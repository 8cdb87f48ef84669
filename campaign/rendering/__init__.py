"""Pillow imaging: uploads, renditions, text slides, QR codes, and the content-addressed store."""

# Nothing is imported here: a web worker that only serves stored pictures never loads Pillow;
# the modules that draw import it when they are imported themselves.
