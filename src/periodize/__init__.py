"""periodize."""
