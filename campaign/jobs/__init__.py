"""Periodic work: APScheduler wiring and thin tasks (an app context and one service call)."""
