class DomainError(Exception):
    """A business rule refused an operation. ``message`` is shown to the user, in French."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field
