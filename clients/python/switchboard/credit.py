"""The credit-stream protocol of docs/wsgi-over-bus.md as two state machines without transport, the same as the Java
side's (package dev.switchboard.wsgi.credit): CreditSender for the application's streamed response, CreditReceiver
for its streamed request body. They send nothing: their answers say what to do. Both pass the conformance fixtures in
docs/credit-stream/, which the Java tests run too. Drive each from one thread, or under one lock."""

import base64
import binascii
import collections
import json

DATA, END, ERROR = "data", "end", "error"
START, CREDIT, CANCEL = "start", "credit", "cancel"

INT_MAX = 2 ** 31 - 1
_LONG = (-2 ** 63, 2 ** 63)

# What a message means to a receiver. kind: "chunk" (seq and data set), "end", "error" (reason: the sender's message
# or None), "violation" (reason: what broke the protocol) or "ignored".
Received = collections.namedtuple("Received", "kind seq data reason")
# What a control message means to a sender. kind: "granted" (credit: how many more chunks may go), "cancelled"
# (reason) or "ignored".
Control = collections.namedtuple("Control", "kind credit reason")

_IGNORED = Received("ignored", None, None, None)
_NOTHING = Control("ignored", 0, None)


def _string(message, key):
    value = message.get(key)
    return value if isinstance(value, str) else None


def _integer(message, key, otherwise):
    """A JSON integer that fits a Java long, else otherwise (JSON's true is not an integer)."""
    value = message.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and _LONG[0] <= value < _LONG[1]:
        return value
    return otherwise


def _render(value):
    """How a field's value is named in a reason: a string as it is, anything else as JSON (null when absent)."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def decode_base64(text):
    """Base64 as Java's basic decoder reads it: the standard alphabet only, the padding optional."""
    if "=" not in text and len(text) % 4:
        text += "=" * (-len(text) % 4)
    return base64.b64decode(text, validate=True)


class CreditReceiver:
    """The receiving end: checks each data, end and error message, and keeps the credit the sender may still use and
    what is owed for chunks the consumer has taken."""

    def __init__(self, window, batch, max_chunk_bytes=INT_MAX, declared_length=-1):
        self._window = window
        self._batch = max(1, batch)
        self._max_chunk = max_chunk_bytes
        self._declared = declared_length
        self._outstanding = 0
        self._owed = 0
        self._withheld = False
        self._next_seq = 0
        self.received = 0  # bytes of body accepted so far
        self._closed = False

    @classmethod
    def unlimited(cls, window):
        """A receiver with no limit of its own on chunks or length, that returns credit as its consumer asks."""
        return cls(window, window)

    def open(self):
        """Opens the stream: the credit its first message grants."""
        self._outstanding = self._window
        return self._window

    def on_message(self, message):
        if self._closed:
            return _IGNORED
        kind = _string(message, "type")
        if kind == DATA:
            return self._on_data(message)
        if kind == END:
            if self._declared >= 0 and self.received != self._declared:
                return self._violation("body of %d bytes ended short of its Content-Length %d"
                                       % (self.received, self._declared))
            self._closed = True
            return Received(END, None, None, None)
        if kind == ERROR:
            self._closed = True
            return Received(ERROR, None, None, _string(message, "message"))
        return self._violation("unexpected stream message type " + _render(message.get("type")))

    def _on_data(self, message):
        seq = _integer(message, "seq", -1)  # a missing or non-integer seq reads as -1, which no stream expects
        data = message.get("data")
        data = "" if data is None else data
        try:
            if not isinstance(data, str):
                raise ValueError("not a string")
            chunk = decode_base64(data)
        except (ValueError, binascii.Error):
            return self._violation("chunk is not valid base64")
        if seq != self._next_seq:
            return self._violation("chunk %d arrived where %d was expected" % (seq, self._next_seq))
        if self._outstanding == 0:
            return self._violation("chunk sent without credit")
        if len(chunk) > self._max_chunk:
            return self._violation("chunk of %d bytes over stream.maxChunkBytes %d" % (len(chunk), self._max_chunk))
        if self._declared >= 0 and self.received + len(chunk) > self._declared:
            return self._violation("body longer than its Content-Length %d" % self._declared)
        self._next_seq += 1
        self._outstanding -= 1
        self.received += len(chunk)
        return Received("chunk", seq, chunk, None)

    def _violation(self, reason):
        self._closed = True
        return Received("violation", None, None, reason)

    def taken(self, held):
        """The consumer took a chunk and still holds `held` bytes of what it took: the credit to grant now (0: none).
        Credit goes back in batches, and is withheld while the consumer holds more than a chunk."""
        self._owed += 1
        if held > self._max_chunk:
            self._withheld = True
            return 0
        return self._grant(False)

    def drained(self, held):
        """The consumer now holds `held` bytes: the credit to grant now, if it was withheld."""
        if self._withheld and held <= self._max_chunk:
            self._withheld = False
            return self._grant(True)
        return 0

    def owe(self):
        """The consumer took a chunk; its credit goes back with the next flush()."""
        self._owed += 1

    def flush(self):
        """The credit owed, to grant now (0 for none, or when the stream is over)."""
        return self._grant(True)

    def _grant(self, now):
        # Never leaves the sender with none while some is owed.
        if self._closed or not self._owed or self._withheld or not (
                now or self._owed >= self._batch or self._outstanding == 0):
            return 0
        granted, self._owed = self._owed, 0
        self._outstanding += granted
        return granted

    @property
    def awaiting_chunks(self):
        """Whether a chunk is due: the stream is open and the sender holds credit."""
        return not self._closed and self._outstanding > 0

    def close(self):
        """Ends the stream from this side: later messages are ignored and no more credit goes out."""
        self._closed = True


class CreditSender:
    """The sending end: reads the receiver's start, credit and cancel messages, learns from the first that names one
    where chunks go, and numbers the chunks it lets out, one per credit."""

    def __init__(self, max_chunk_bytes):
        self.destination = None
        self.max_chunk_bytes = max_chunk_bytes
        self._started = False
        self._credit = 0
        self._next_seq = 0
        self._closed = False

    def on_control(self, message):
        if self._closed:
            return _NOTHING
        kind = _string(message, "type")
        if kind == CANCEL:
            self._closed = True
            reason = _string(message, "reason")
            return Control("cancelled", 0, "cancelled" if reason is None else reason)
        start = kind == START
        if (not start and kind != CREDIT) or (start and self._started):
            return _NOTHING  # unknown types are ignored so that the protocol can grow; a second start changes nothing
        address = _string(message, "address")
        named = self.destination is None and bool(address)
        if named:
            self.destination = address
        if self.destination is None:
            return _NOTHING
        if start:
            self._started = True
            limit = _integer(message, "maxChunkBytes", self.max_chunk_bytes)
            self.max_chunk_bytes = max(1, min(INT_MAX, limit))
        granted = min(INT_MAX, max(0, _integer(message, "credit", 0)))
        if not granted and not named and not start:
            return _NOTHING
        self._credit = min(INT_MAX, self._credit + granted)
        return Control("granted", granted, None)

    @property
    def can_send(self):
        """Whether a chunk may go now: the destination is known, credit is left and the stream is open."""
        return not self._closed and self.destination is not None and self._credit > 0

    def take(self):
        """Uses one credit: the seq of the chunk to send now. Call it only when can_send."""
        self._credit -= 1
        seq, self._next_seq = self._next_seq, self._next_seq + 1
        return seq

    @property
    def is_open(self):
        return not self._closed

    def close(self):
        """Ends the stream from this side: True when the receiver is waiting and should be told."""
        waiting = not self._closed and self.destination is not None
        self._closed = True
        return waiting
