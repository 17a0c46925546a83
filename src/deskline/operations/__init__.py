"""Operations: backup and restore, health and readiness, metrics, structured logs."""
