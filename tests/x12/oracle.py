"""pyx12 as the external oracle: validate a document in-process and return its findings."""

from __future__ import annotations

import logging
import os
import tempfile


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.messages.append(record.getMessage())


def pyx12_errors(text: str) -> list[str]:
    """pyx12's error messages for *text* (empty when it finds none), plus a marker if it fails."""
    import pyx12.params
    import pyx12.x12n_document

    logger = logging.getLogger("pyx12")
    handler = _Collect()
    old_level, old_propagate = logger.level, logger.propagate
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(handler)
    fd, path = tempfile.mkstemp(suffix=".x12")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        # No 999 asked for: pyx12 4.0.0 cannot build one for an 835 (its 999 writer needs ST03,
        # which its own 835 map marks "not used"); the validation itself is unaffected.
        ok = pyx12.x12n_document.x12n_document(
            param=pyx12.params.params(), src_file=path, fd_997=None, fd_html=None
        )
    finally:
        os.unlink(path)
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
    errors = list(handler.messages)
    if not ok and not errors:
        errors.append("pyx12 returned failure")
    return errors
