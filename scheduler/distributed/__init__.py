"""Crawl jobs spread over several machines (``[distributed]``): Celery carries them, PostgreSQL is shared.

``app``: the Celery application both sides build from the config. ``dispatch``: the active
scheduler's side, which records each due crawl and sends it. ``worker``: ``accords worker``, which
runs each task as the same isolated crawl child the single-machine service uses.
"""
