"""The running side: the ``accords`` command line and (later) the background service."""
