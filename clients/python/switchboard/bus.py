"""A client of Switchboard's TCP event-bus bridge (see docs/bridge-protocol.md).

    bus = BusClient("127.0.0.1", 7070)
    bus.connect()
    print(bus.request("echo.request", {"hello": "bus"}, timeout=5))
    bus.register("echo.events", lambda message: print(message.body))

Handlers run on the client's reader thread: hand long work to a thread of your own. The client pings the bridge
to keep the connection alive and, when the connection drops, reconnects with back-off and registers its handlers
again.
"""

import logging
import socket
import threading
import uuid

from .frames import DEFAULT_MAX_FRAME_BYTES, FrameError, FrameReader, encode

log = logging.getLogger("switchboard.bus")


class ReplyError(Exception):
    """A request failed: no handler, a timeout, or the handler's own failure (code and message)."""

    def __init__(self, code, message, failure_type=None):
        super().__init__("%s (code %s)" % (message, code))
        self.code = code
        self.message = message
        self.failure_type = failure_type


class Message:
    """A message delivered to a registered handler; reply or fail it if it carries a reply address."""

    def __init__(self, client, frame):
        self._client = client
        self.address = frame.get("address")
        self.body = frame.get("body")
        self.headers = frame.get("headers") or {}
        self.reply_address = frame.get("replyAddress")

    def reply(self, body):
        if self.reply_address:
            self._client._write({"type": "send", "address": self.reply_address, "body": body})

    def fail(self, code, message):
        if self.reply_address:
            self._client._write({"type": "send", "address": self.reply_address, "failureCode": int(code),
                                 "message": str(message)})


class BusClient:
    def __init__(self, host, port, token=None, max_frame_bytes=DEFAULT_MAX_FRAME_BYTES, ping_interval=20.0,
                 connect_timeout=5.0, max_backoff=5.0, ssl_context=None):
        self.host, self.port = host, port
        self._token = token
        self._max_frame = max_frame_bytes
        self._ping_interval = ping_interval
        self._connect_timeout = connect_timeout
        self._max_backoff = max_backoff
        self._ssl = ssl_context
        self._sock = None
        self._reader_thread = None
        self._write_lock = threading.Lock()
        self._handlers = {}
        self._pending = {}
        self._closed = threading.Event()
        self._connected = threading.Event()
        self.errors = []  # the last bridge error frames not tied to a request, newest last (bounded)

    # -- connection ------------------------------------------------------------------------------------------------

    def connect(self):
        """Connects (raising if the bridge cannot be reached) and starts the reader and ping threads."""
        self._open()
        self._reader_thread = threading.Thread(target=self._read_loop, name="switchboard-bus-reader", daemon=True)
        self._reader_thread.start()
        threading.Thread(target=self._ping_loop, name="switchboard-bus-ping", daemon=True).start()
        return self

    def _open(self):
        sock = socket.create_connection((self.host, self.port), timeout=self._connect_timeout)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self._ssl is not None:
            sock = self._ssl.wrap_socket(sock, server_hostname=self.host)
        self._sock = sock
        self._reader = FrameReader(sock, self._max_frame)
        for address in list(self._handlers):
            self._write({"type": "register", "address": address})
        self._connected.set()

    def close(self, timeout=5.0):
        """Closes the connection; the reader thread is done with the socket before its descriptor is released.

        Closing the socket straight away, while the reader thread was about to read it again, let the OS hand the same
        descriptor number to the next socket the process opened, and the reader (OpenSSL keeps the bare number) then
        read that socket's bytes: a TLS connection opened right after close() lost records ("bad record mac", "wrong
        version number"). So: shut the socket down (the reader sees the end of the stream and stops), wait for the
        reader, and only then close (under the write lock, so that no write is under way either).
        """
        self._closed.set()
        sock = self._sock
        if sock is None:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        reader = self._reader_thread
        if reader is not None and reader is not threading.current_thread():
            reader.join(timeout)
        with self._write_lock:
            try:
                sock.close()
            except OSError:
                pass

    def wait_connected(self, timeout=None):
        return self._connected.wait(timeout)

    def _write(self, message):
        if self._token:
            # The bridge wants its token on every frame, pings and replies included; it removes it before passing on.
            message = dict(message, headers=dict(message.get("headers") or {}, token=self._token))
        data = encode(message)
        with self._write_lock:
            sock = self._sock
            if sock is None:
                raise ConnectionError("not connected to the bridge")
            sock.sendall(data)

    def _read_loop(self):
        backoff = 0.1
        while not self._closed.is_set():
            try:
                while True:
                    self._dispatch(self._reader.read())
                    backoff = 0.1
            except FrameError as e:
                log.error("bridge %s:%s broke the framing, closing: %s", self.host, self.port, e)
            except (ConnectionError, OSError) as e:
                if not self._closed.is_set():
                    log.warning("bridge %s:%s connection lost: %s", self.host, self.port, e)
            self._connected.clear()
            self._fail_pending("connection to the bridge lost")
            try:
                self._sock.close()
            except OSError:
                pass
            while not self._closed.is_set():
                if self._closed.wait(backoff):
                    return
                backoff = min(backoff * 2, self._max_backoff)
                try:
                    self._open()
                    log.info("bridge %s:%s reconnected, %d handlers registered again", self.host, self.port,
                             len(self._handlers))
                    break
                except OSError:
                    continue

    def _ping_loop(self):
        while not self._closed.wait(self._ping_interval):
            try:
                self._write({"type": "ping"})
            except OSError:
                pass

    # -- messages --------------------------------------------------------------------------------------------------

    def _dispatch(self, frame):
        kind = frame.get("type")
        address = frame.get("address")
        if kind == "message":
            waiter = self._pending.pop(address, None)
            if waiter is not None:
                waiter.append(("ok", frame.get("body")))
                waiter.event.set()
                return
            handler = self._handlers.get(address)
            if handler is not None:
                try:
                    handler(Message(self, frame))
                except Exception:  # a handler's bug must not kill the connection
                    log.exception("handler for %s failed", address)
        elif kind == "err":
            waiter = self._pending.pop(address, None) if address else None
            if waiter is not None:
                waiter.append(("err", ReplyError(frame.get("failureCode"), frame.get("message"),
                                                 frame.get("failureType"))))
                waiter.event.set()
            else:
                if frame.get("detail"):
                    log.warning("bridge error: %s (%s)", frame.get("message"), frame.get("detail"))
                else:
                    log.warning("bridge error: %s", frame.get("message"))
                self.errors = (self.errors + [frame.get("message")])[-20:]
        # pong: the connection is alive; nothing else to do

    def _fail_pending(self, reason):
        pending, self._pending = self._pending, {}
        for waiter in pending.values():
            waiter.append(("err", ReplyError(-1, reason, "CONNECTION")))
            waiter.event.set()

    def send(self, address, body, headers=None):
        self._write({"type": "send", "address": address, "body": body, "headers": headers or {}})

    def publish(self, address, body, headers=None):
        self._write({"type": "publish", "address": address, "body": body, "headers": headers or {}})

    def request(self, address, body, timeout=10.0, headers=None):
        """Sends and waits for the reply's body; raises ReplyError on failure or timeout."""
        reply_address = "py." + uuid.uuid4().hex
        waiter = _Waiter()
        self._pending[reply_address] = waiter
        self._write({"type": "send", "address": address, "replyAddress": reply_address, "body": body,
                     "headers": headers or {}})
        if not waiter.event.wait(timeout):
            self._pending.pop(reply_address, None)
            raise ReplyError(-1, "no reply from %s within %s s" % (address, timeout), "TIMEOUT")
        outcome, value = waiter[0]
        if outcome == "err":
            raise value
        return value

    def register(self, address, handler):
        """Delivers every message for the address to handler(Message), now and after every reconnect."""
        self._handlers[address] = handler
        self._write({"type": "register", "address": address})

    def unregister(self, address):
        if self._handlers.pop(address, None) is not None:
            try:
                self._write({"type": "unregister", "address": address})
            except OSError:
                pass


class _Waiter(list):
    def __init__(self):
        super().__init__()
        self.event = threading.Event()
