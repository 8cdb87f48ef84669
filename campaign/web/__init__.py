"""Thin Flask blueprints: they translate HTTP into service calls and back."""
