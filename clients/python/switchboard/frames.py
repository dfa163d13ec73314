"""The bridge's framing: a 4-byte big-endian length, then that many bytes of UTF-8 JSON."""

import json
import struct

DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024


class FrameError(Exception):
    """The peer broke the framing: the connection cannot be trusted any more and is closed."""


_LENGTH = struct.Struct(">I")
_JSON = json.JSONEncoder(separators=(",", ":"))


def encode(message):
    """One frame for a JSON-serialisable message."""
    data = _JSON.encode(message).encode("utf-8")
    return _LENGTH.pack(len(data)) + data


class FrameReader:
    """Reads whole frames from a socket, however the bytes are split across recv calls.

    It asks the socket for all it has (up to RECV_BYTES at a time), keeps what is past the frame it returns, and serves the next frames from that: under load one recv brings many frames, and a system
    call per frame (two, header and payload, when it read exactly) was most of a small request's cost."""

    RECV_BYTES = 64 * 1024

    def __init__(self, sock, max_frame_bytes=DEFAULT_MAX_FRAME_BYTES):
        self._sock = sock
        self._max = max_frame_bytes
        self._buffer = b""
        self._start = 0  # where the unread bytes of _buffer begin

    def _take(self, n):
        """The next n bytes: from the buffer, receiving more first if it holds fewer."""
        start, end = self._start, self._start + n
        if end > len(self._buffer):
            parts = [self._buffer[start:]]
            have = len(parts[0])
            while have < n:
                chunk = self._sock.recv(self.RECV_BYTES)
                if not chunk:
                    raise ConnectionError("connection closed by the bridge")
                parts.append(chunk)
                have += len(chunk)
            self._buffer = b"".join(parts)
            start, end = 0, n
        self._start = end
        return self._buffer[start:end]

    def read(self):
        """The next message as a dict; raises FrameError for an oversized or unparsable frame."""
        (length,) = _LENGTH.unpack(self._take(4))
        if length > self._max:
            raise FrameError("frame of %d bytes over the limit of %d" % (length, self._max))
        payload = self._take(length)
        try:
            message = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise FrameError("frame is not UTF-8 JSON: %s" % e) from None
        if not isinstance(message, dict):
            raise FrameError("frame is not a JSON object")
        return message
