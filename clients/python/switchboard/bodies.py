"""Response and request bodies between a WSGI application and the gateway (docs/wsgi-over-bus.md): the reply, whole
or streamed with credit (Response, OutgoingStream, FirstChunkFlusher), and wsgi.input for a streamed request body
(StreamingInput). The protocol itself is switchboard.credit's; these classes carry it over the bus and threads."""

import base64
import collections
import io
import queue
import threading
import time
import uuid

from .credit import CreditReceiver, CreditSender

START_TIMEOUT = 30.0
BODY_WINDOW = 4
MAX_CHUNK_BYTES = 64 * 1024  # the gateway's default stream.maxChunkBytes, until its start says otherwise


class Cancelled(Exception):
    """The gateway cancelled the response: its client went away, or it was a HEAD request."""


class FirstChunkFlusher:
    """Starts the stream of a response whose first chunk, from a generator, has waited FLUSH_DELAY for a second one or
    for the end: a slow generator's first bytes leave at once, while a response of one chunk (most of them, Flask's
    too) still goes back whole in one reply. One thread per server, started with the first response that needs it."""

    def __init__(self, delay):
        self._delay = delay
        self._due = collections.deque()  # (deadline, response), deadlines in order since the delay is constant
        self._changed = threading.Condition()
        self._thread = None

    def schedule(self, response):
        with self._changed:
            self._due.append((time.monotonic() + self._delay, response))
            self._changed.notify()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="wsgi-flusher", daemon=True)
                self._thread.start()

    def _run(self):
        while True:
            with self._changed:
                while not self._due or self._due[0][0] > time.monotonic():
                    self._changed.wait(self._due[0][0] - time.monotonic() if self._due else None)
                _, response = self._due.popleft()
            response.flush()


class Response:
    """start_response, write() and the reply: whole when the body is small, streamed with credit when it is not.

    The application's thread and the flusher's may both start the stream: the lock decides which, once."""

    def __init__(self, bus, message, stream_threshold, before_last_message, flusher=None):
        self._bus = bus
        self._message = message
        self._before_last = before_last_message
        self._threshold = stream_threshold
        self._flusher = flusher
        self._lock = threading.Lock()
        self._status = None
        self._headers = None
        self._sent = False          # the status and headers have left for the gateway (or are leaving)
        self._buffer = []
        self._buffered = 0
        self._stream = None
        self.incremental = False    # the body comes from an iterable that may yield slowly, or from write()

    def start_response(self, status, headers, exc_info=None):
        if exc_info:
            try:
                if self._sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self._status is not None:
            raise AssertionError("start_response called a second time without exc_info")
        if not isinstance(status, str) or not isinstance(headers, list):
            raise TypeError("status must be a str and headers a list of (name, value) tuples")
        self._status = status
        self._headers = [[str(name), str(value)] for name, value in headers]
        return self._write_callable

    def _write_callable(self, data):
        self.incremental = True  # PEP 3333's write(): the application pushes its body as it has it
        self.write(data)

    def write(self, data):
        if self._status is None:
            raise AssertionError("write() before start_response()")
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("the body must be bytes, not %s" % type(data).__name__)
        if not data:
            return
        with self._lock:
            stream = self._stream
            if stream is None:
                self._buffer.append(bytes(data))
                self._buffered += len(data)
                # A second chunk from an iterable of unknown length (a generator) means the application streams: from
                # then on each chunk leaves as it comes. A list's chunks are all there already. A lone first chunk
                # leaves after FLUSH_DELAY unless the end or a second one comes first.
                if self._buffered > self._threshold or (self.incremental and len(self._buffer) > 1):
                    self._begin_stream()
                elif self.incremental and self._flusher is not None:
                    self._flusher.schedule(self)
                return
        stream.write(bytes(data))

    def flush(self):
        """The flusher's call: starts the stream with what is buffered, unless the response has left meanwhile."""
        with self._lock:
            if self._sent or not self._buffer:
                return
            try:
                self._begin_stream()
            except Cancelled:
                pass  # the application's thread finds out at its next write

    def finish(self):
        if self._status is None:
            raise AssertionError("the application returned without calling start_response()")
        with self._lock:
            stream = self._stream
            if stream is None:
                self._before_last()
                self._sent = True
                self._message.reply({"status": self._status, "headers": self._headers,
                                     "body": base64.b64encode(b"".join(self._buffer)).decode("ascii")})
                return
        stream.end(self._before_last)

    def abort(self, reason):
        self._before_last()
        with self._lock:
            stream = self._stream
            if stream is None and not self._sent:
                self._sent = True
                self._message.fail(500, reason)
        if stream is not None:
            stream.error(reason)

    def _begin_stream(self):
        """With the lock held: replies with a stream address and hands it what is buffered (never blocking: a new
        stream takes its first write whole)."""
        if self._message.stale:  # no gateway will ever start the stream: do not wait for it
            raise Cancelled("the bridge the request came through is lost")
        self._stream = OutgoingStream(self._bus)
        self._sent = True
        self._message.reply({"status": self._status, "headers": self._headers, "stream": self._stream.address})
        pending, self._buffer = b"".join(self._buffer), []
        self._stream.write(pending)


class OutgoingStream:
    """The application side of a streamed response (docs/wsgi-over-bus.md): one data message per credit.

    Each write is sent at once when there is credit; what the application writes while there is none (or while
    another thread is sending) waits, and goes out coalesced, up to maxChunkBytes per message, as soon as credit comes.
    The application's write blocks only while a full chunk is waiting: back-pressure without holding small chunks."""

    def __init__(self, bus):
        self._bus = bus
        self.address = "wsgi.stream." + uuid.uuid4().hex
        self._lock = threading.Condition()
        self._sender = CreditSender(MAX_CHUNK_BYTES)
        self._pending = bytearray()  # written, not yet sent
        self._sending = False        # one thread sends at a time, so that seq follows the order of the bytes
        self._cancelled = None
        self._stop_watching = bus.on_lost(self._on_lost)
        bus.register(self.address, self._on_control)

    def _on_lost(self, bridge, reason):
        with self._lock:
            self._cancelled = "bridge %s lost" % bridge
            self._lock.notify_all()

    def _on_control(self, message):
        with self._lock:
            control = self._sender.on_control(message.body or {})
            if control.kind == "cancelled":
                self._cancelled = control.reason
            self._lock.notify_all()
        self._send_pending()  # what waited for this credit leaves now, not at the application's next write

    def _send_pending(self):
        """Sends what is pending while there is credit; returns at once if another thread is sending."""
        with self._lock:
            if self._sending:
                return
            self._sending = True
        try:
            while True:
                with self._lock:
                    if self._cancelled or not self._sender.can_send or not self._pending:
                        return
                    size = self._sender.max_chunk_bytes
                    chunk = bytes(self._pending[:size])
                    del self._pending[:size]
                    seq = self._sender.take()
                self._bus.send(self._sender.destination, {"type": "data", "seq": seq,
                                                          "data": base64.b64encode(chunk).decode("ascii")})
        finally:
            with self._lock:
                self._sending = False
                self._lock.notify_all()

    def _wait(self, ready, what):
        """Waits (lock held) until ready() or cancelled; raises Cancelled."""
        if not self._lock.wait_for(lambda: self._cancelled or ready(), timeout=START_TIMEOUT):
            self._cancelled = "no %s from the gateway within %s s" % (what, START_TIMEOUT)
        if self._cancelled:
            reason = self._cancelled
            self._lock.release()
            try:
                self._close()
            finally:
                self._lock.acquire()
            raise Cancelled(reason)

    def write(self, data):
        with self._lock:
            # Back-pressure: a full chunk waiting means the gateway is behind; wait for it to take some.
            self._wait(lambda: len(self._pending) < self._sender.max_chunk_bytes, "credit")
            self._pending += data
        self._send_pending()

    def end(self, before_end=lambda: None):
        """Sends the end once every byte written has left; before_end runs just before."""
        with self._lock:
            self._wait(lambda: self._sender.destination and not self._pending and not self._sending, "credit")
            self._sender.close()
            gateway = self._sender.destination
        before_end()
        self._bus.send(gateway, {"type": "end"})
        self._close()

    def error(self, reason):
        with self._lock:
            tell = self._sender.close() and not self._cancelled
        if tell:
            self._bus.send(self._sender.destination, {"type": "error", "message": reason})
        self._close()

    def _close(self):
        self._stop_watching()
        self._bus.unregister(self.address)


class StreamingInput(io.RawIOBase):
    """wsgi.input for a streamed request body: reads it from the gateway with credit, a few chunks ahead."""

    def __init__(self, bus, body_stream):
        super().__init__()
        self._bus = bus
        self._stream = body_stream
        self.address = "wsgi.body." + uuid.uuid4().hex
        self._chunks = queue.Queue()
        self._current = b""
        self._done = False
        self._lock = threading.Lock()  # the bus's thread reads messages, the application's takes chunks
        self._receiver = CreditReceiver.unlimited(BODY_WINDOW)
        window = self._receiver.open()
        self._stop_watching = bus.on_lost(
            lambda bridge, reason: self._chunks.put(IOError("bridge %s lost: %s" % (bridge, reason))))
        bus.register(self.address, self._on_message)
        bus.send(body_stream, {"type": "credit", "credit": window, "address": self.address})

    def _close(self):
        self._done = True
        self._stop_watching()
        self._bus.unregister(self.address)

    def _on_message(self, message):
        with self._lock:
            received = self._receiver.on_message(message.body or {})
        if received.kind == "chunk":
            self._chunks.put(received.data)
        elif received.kind == "end":
            self._chunks.put(None)
        elif received.kind == "error":
            self._chunks.put(IOError(received.reason or "request body failed"))
        elif received.kind == "violation":
            self._chunks.put(IOError(received.reason))

    def readable(self):
        return True

    def readinto(self, target):
        if not self._current and not self._done:
            item = self._chunks.get(timeout=START_TIMEOUT)
            if item is None:
                self._close()
            elif isinstance(item, Exception):
                self._close()
                raise item
            else:
                self._current = item
                with self._lock:
                    self._receiver.owe()
                    credit = self._receiver.flush()
                if credit:
                    self._bus.send(self._stream, {"type": "credit", "credit": credit})
        n = min(len(target), len(self._current))
        target[:n] = self._current[:n]
        self._current = self._current[n:]
        return n

    def read(self, size=-1):
        if size is None or size < 0:
            return self.readall()
        return super().read(size)

    def readline(self, size=-1):
        return super().readline(size)

    def readlines(self, hint=-1):
        return super().readlines(hint)

    def __iter__(self):
        return iter(self.readline, b"")
