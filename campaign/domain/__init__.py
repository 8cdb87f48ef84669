"""Pure campaign rules: no framework, database, imaging or clock; instants are passed in."""
