"""marsad's errors, one root so callers can catch them all.

    MarsadError
    ├── InputError          a file or text that cannot be read as a page (names the source)
    │   ├── EmptyInput
    │   ├── BinaryInput
    │   ├── UndecodableInput
    │   ├── TooLarge
    │   ├── MalformedInput  a WARC record, JSON line, gzip stream or archive that is broken
    │   └── WorkerDied      a page whose worker process died on it (twice): not stored
    ├── ModelError          an embedding or language model failed to load or run
    ├── StoreError          the store cannot be opened, read or written
    └── ConfigError         a bad setting

Messages read ``<source>: <problem> (<hint>)`` so the CLI can print them as one line.
"""

from __future__ import annotations


class MarsadError(Exception):
    """Root of everything marsad raises on purpose."""


class InputError(MarsadError):
    def __init__(self, source: str, problem: str, hint: str | None = None):
        self.source = source
        self.problem = problem
        self.hint = hint
        message = f"{source}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class EmptyInput(InputError):
    pass


class BinaryInput(InputError):
    pass


class UndecodableInput(InputError):
    pass


class TooLarge(InputError):
    pass


class MalformedInput(InputError):
    pass


class WorkerDied(InputError):
    pass


class ModelError(MarsadError):
    pass


class StoreError(MarsadError):
    pass


class StaleStories(StoreError):
    """A batch was clustered on stories that ``marsad recluster`` has rebuilt since; nothing of it was stored."""


class ConfigError(MarsadError):
    pass
