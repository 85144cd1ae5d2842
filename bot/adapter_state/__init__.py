"""State the adapters keep in the database, behind the narrow interfaces they declare."""
