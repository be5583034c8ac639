"""One module per agency; each builds its records from the city and renders its native files."""
