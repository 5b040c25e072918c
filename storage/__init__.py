"""Schema, migrations and repositories: the only place that writes SQL."""
