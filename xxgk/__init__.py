"""xxgk."""
