"""The one error a command raises for a start that no retry can fix — a key that cannot be
parsed or is encrypted, a file that is not there — so that the command line says it in one line
and exits 2 instead of printing a traceback (and, in a cluster, crash-looping on it)."""

from __future__ import annotations


class StartRefusedError(Exception):
    """A command cannot start until its user fixes what the message names."""
