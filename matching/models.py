"""Models of the matching app (runs are stored here)."""
