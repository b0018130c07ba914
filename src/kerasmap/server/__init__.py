"""The team tracking server: MLflow on PostgreSQL, with proxied artifacts and logins."""
