"""Entry points: the ``stratag`` command line and (later) the HTTP service."""
