"""Proof of play and screen heartbeats."""
