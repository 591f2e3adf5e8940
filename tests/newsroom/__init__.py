"""Local multi-site "newsroom" HTTP server used by end-to-end crawl tests."""
