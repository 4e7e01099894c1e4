"""Operations: health and readiness, the metrics scrape, logging, backups (docs/operations.md)."""
