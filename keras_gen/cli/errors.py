"""The command line's own error."""


class UsageError(Exception):
    """A command-line mistake: reported in one line, exit status 2."""
