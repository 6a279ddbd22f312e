"""Multipart forms whose file parts are spooled encrypted: no uploaded byte reaches the disk
in clear while the request is received.

Starlette's parser keeps each file part in a ``SpooledTemporaryFile`` that moves to the system
temp folder, in clear, past 1 MiB. Here each file part goes instead to a :class:`SealedSpool`:
a temporary file (mode 0600, removed when the form closes) written with the media file format
(:class:`cdcare.store.crypto.EncryptingWriter`, AES-256-GCM in 1 MiB chunks) under a random key
that exists only in this process's memory for this one upload. Reading it back
(``UploadFile.read``) decrypts; :func:`cdcare.web.routes.videos.save_upload` then writes the
kept file under ``CDCARE_MEDIA_KEYS``. Plaintext exists only in memory, a chunk at a time.

:func:`read_form` parses a request's form this way once and caches it on the request (so the
CSRF check and the route see the same form, and ``request.form()`` returns it).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from contextlib import aclosing
from pathlib import Path

from fastapi import HTTPException, Request
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException, MultiPartParser

from cdcare.store.crypto import DecryptingReader, EncryptingWriter, MediaKeys


class SealedSpool:
    """A write-then-read temporary file, encrypted under a key held only in memory.

    Supports what Starlette's ``UploadFile`` needs: ``write``, ``seek(0)`` (ends writing and
    rewinds), ``read`` and ``close``. ``_rolled`` tells ``UploadFile`` to do its I/O in a worker
    thread, as for a spooled file that went to disk.
    """

    _rolled = True

    def __init__(self, folder: str | None = None) -> None:
        self.keys = MediaKeys((secrets.token_bytes(32),))
        fd, name = tempfile.mkstemp(prefix="cdcare-upload-", suffix=".sealed", dir=folder)
        self.path = Path(name)  # mkstemp: mode 0600
        self.fh = os.fdopen(fd, "w+b")
        self.writer: EncryptingWriter | None = EncryptingWriter(self.fh, self.keys)
        self.reader: DecryptingReader | None = None

    def write(self, data: bytes) -> int:
        if self.writer is None:
            raise OSError("the upload spool is being read")
        return self.writer.write(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        """Only a rewind to the start (which finishes the writing)."""
        if offset != 0 or whence != 0:
            raise OSError("the upload spool only rewinds to its start")
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        self.fh.flush()
        self.fh.seek(0)
        self.reader = DecryptingReader(self.fh, self.keys, name="upload spool")
        return 0

    def read(self, size: int = -1) -> bytes:
        if self.reader is None:
            self.seek(0)
        assert self.reader is not None  # noqa: S101 - set by seek
        return self.reader.read(size)

    def close(self) -> None:
        self.fh.close()
        self.path.unlink(missing_ok=True)


class SealedMultiPartParser(MultiPartParser):
    """Starlette's multipart parser with each file part in a :class:`SealedSpool`."""

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        upload = self._current_part.file
        if upload is not None:
            unused = self._files_to_close_on_error.pop()  # the in-memory spool, still empty
            unused.close()
            spool = SealedSpool()
            self._files_to_close_on_error.append(spool)  # type: ignore[arg-type]
            upload.file = spool  # type: ignore[assignment]


async def read_form(request: Request) -> FormData:
    """The request's form, file parts spooled encrypted; parsed once, then cached."""
    if request._form is not None:  # Starlette's own cache of the parsed form
        return request._form
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await request.form()
    try:
        async with aclosing(request.stream()) as stream:
            form = await SealedMultiPartParser(request.headers, stream).parse()
    except MultiPartException as exc:
        raise HTTPException(status_code=400, detail=exc.message) from None
    request._form = form  # request.form() now returns this form
    return form


__all__ = ["SealedMultiPartParser", "SealedSpool", "read_form"]
