"""The bridge's framing: a 4-byte big-endian length, then that many bytes of UTF-8 JSON."""

import json
import struct

DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024


class FrameError(Exception):
    """The peer broke the framing: the connection cannot be trusted any more and is closed."""


def encode(message):
    """One frame for a JSON-serialisable message."""
    data = json.dumps(message, separators=(",", ":")).encode("utf-8")
    return struct.pack(">I", len(data)) + data


class FrameReader:
    """Reads whole frames from a socket, however the bytes are split across recv calls."""

    def __init__(self, sock, max_frame_bytes=DEFAULT_MAX_FRAME_BYTES):
        self._sock = sock
        self._max = max_frame_bytes

    def _read_exactly(self, n):
        parts = []
        while n > 0:
            chunk = self._sock.recv(min(n, 65536))
            if not chunk:
                raise ConnectionError("connection closed by the bridge")
            parts.append(chunk)
            n -= len(chunk)
        return b"".join(parts)

    def read(self):
        """The next message as a dict; raises FrameError for an oversized or unparsable frame."""
        (length,) = struct.unpack(">I", self._read_exactly(4))
        if length > self._max:
            raise FrameError("frame of %d bytes over the limit of %d" % (length, self._max))
        payload = self._read_exactly(length)
        try:
            message = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise FrameError("frame is not UTF-8 JSON: %s" % e) from None
        if not isinstance(message, dict):
            raise FrameError("frame is not a JSON object")
        return message
