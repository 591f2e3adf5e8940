"""The project's spiders: ``news`` crawls one configured source."""
