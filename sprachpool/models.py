"""Models of the sprachpool app."""
