"""The database: models, migrations, sessions, queries and exports. No other package writes SQL."""
