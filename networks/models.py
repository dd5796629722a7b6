"""Models of the sponsorship networks app."""
