"""A client of Switchboard's TCP event-bus bridge (see docs/bridge-protocol.md).

    bus = BusClient("127.0.0.1", 7070)
    bus.connect()
    print(bus.request("echo.request", {"hello": "bus"}, timeout=5))
    bus.register("echo.events", lambda message: print(message.body))

Handlers run on the client's reader thread: hand long work to a thread of your own. The client pings the bridge
to keep the connection alive and, when the connection drops, reconnects with back-off and registers its handlers
again. Given several bridges (any node of a cluster has one), it connects to the first it reaches, in order, and when
that connection drops it moves on to the next, round robin:

    bus = BusClient(bridges=[("10.0.0.1", 7070), ("10.0.0.2", 7070)]).connect()

A message's reply address lives on the bridge it came through: a message that arrived on a connection since lost can
no longer be answered, and its reply() and fail() do nothing (Message.stale says so).
"""

import copy
import logging
import select
import socket
import ssl
import threading
import time
import uuid

from .frames import DEFAULT_MAX_FRAME_BYTES, FrameError, FrameReader, encode

log = logging.getLogger("switchboard.bus")

DEFAULT_MIN_BACKOFF = 0.1
DEFAULT_MAX_BACKOFF = 2.0


def parse_bridges(specs):
    """[(host, port), ...] from "HOST:PORT" strings, each possibly a comma-separated list; "[::1]:7070" for IPv6.

    An empty host means 127.0.0.1; raises ValueError for an entry without a valid port."""
    bridges = []
    for spec in specs:
        for entry in spec.split(","):
            entry = entry.strip()
            host, _, port = entry.rpartition(":")
            if not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError("bridge %r is not HOST:PORT" % entry)
            bridges.append((host.strip("[]") or "127.0.0.1", int(port)))
    return bridges


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
        self.generation = client.generation  # which connection it came through

    @property
    def stale(self):
        """The connection it came through is lost: a reply can no longer reach its sender."""
        return self.generation != self._client.generation

    def abandoned(self):
        """From now on this message's reply() and fail() send nothing; returns a copy that still can, to answer it
        some other way (the application's thread is still running it)."""
        answer = copy.copy(self)
        self.generation = -1
        return answer

    def reply(self, body):
        if self.reply_address:
            self._client._write({"type": "send", "address": self.reply_address, "body": body}, self.generation)

    def fail(self, code, message):
        if self.reply_address:
            self._client._write({"type": "send", "address": self.reply_address, "failureCode": int(code),
                                 "message": str(message)}, self.generation)


class _SerializedTls:
    """A TLS socket shared by the reader thread and the writing threads. OpenSSL forbids using one connection from two
    threads at once: a read concurrent with a write corrupts its state (a 'bad record mac', or a record silently lost,
    seen as a reply that never comes). Every TLS call here holds one lock; the reader waits for bytes outside it and
    then reads without blocking, so that a record that is not application data (a TLS 1.3 session ticket) never
    leaves it holding the lock while writers wait."""

    def __init__(self, sock):
        self._sock = sock
        self._lock = threading.Lock()

    def recv(self, n):
        while True:
            if self._sock.pending() == 0:
                try:
                    select.select([self._sock], [], [])
                except ValueError:  # closed meanwhile: no descriptor left to wait on
                    raise ConnectionError("connection closed") from None
            with self._lock:
                self._sock.settimeout(0.0)
                try:
                    return self._sock.recv(n)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                    continue
                finally:
                    self._sock.settimeout(None)

    def sendall(self, data):
        with self._lock:
            self._sock.sendall(data)

    def __getattr__(self, name):
        return getattr(self._sock, name)


class BusClient:
    """A connection to one bridge at a time: bridges, else (host, port); the token and ssl_context serve every bridge.

    Reconnecting waits min_backoff before the first attempt and doubles the wait after each failed one, up to
    max_backoff; the wait starts again from min_backoff once a connection has stayed up for max_backoff (so a bridge
    that accepts and drops every connection is not retried ten times a second)."""

    def __init__(self, host="127.0.0.1", port=7070, token=None, max_frame_bytes=DEFAULT_MAX_FRAME_BYTES,
                 ping_interval=20.0, connect_timeout=5.0, max_backoff=DEFAULT_MAX_BACKOFF, ssl_context=None,
                 bridges=None, min_backoff=DEFAULT_MIN_BACKOFF):
        self.bridges = [(h, int(p)) for h, p in bridges] if bridges else [(host, port)]
        self._current = 0
        self.host, self.port = self.bridges[0]
        self.generation = 0  # connections lost so far: a message remembers the one it came through
        self._token = token
        self._max_frame = max_frame_bytes
        self._ping_interval = ping_interval
        self._connect_timeout = connect_timeout
        self._min_backoff = min_backoff
        self._max_backoff = max_backoff
        self._backoff = min_backoff
        self._connected_at = 0.0
        self._ssl = ssl_context
        self._sock = None
        self._reader = None
        self._reader_thread = None
        self._lost_listeners = []
        self._write_lock = threading.Lock()  # the connection, its generation and the frames waiting to leave on it
        self._outbox = []  # encoded frames waiting for the sending thread, in order
        self._send_lock = threading.Lock()  # held by the one thread sending at a time
        self._handlers = {}
        self._pending = {}
        self._closed = threading.Event()
        self._connected = threading.Event()
        self._answers = threading.Condition()  # pongs and unaddressed err frames, for sync()
        self._pings_sent = 0
        self._pongs = 0
        self._error_count = 0
        self._errors_synced = 0  # _error_count when sync() last returned: what it reported, or what came before it
        self.errors = []  # the last bridge error frames not tied to a request, newest last (bounded)

    # -- connection ------------------------------------------------------------------------------------------------

    def connect(self):
        """Connects to the first bridge it reaches, in order (raising if none), and starts the reader and ping threads."""
        failures = []
        for index in range(len(self.bridges)):
            try:
                self._open(index)
                break
            except OSError as e:
                failures.append("%s: %s" % (self._name(index), e))
        else:
            raise ConnectionError("no bridge reachable (%s)" % "; ".join(failures))
        self._reader_thread = threading.Thread(target=self._read_loop, name="switchboard-bus-reader", daemon=True)
        self._reader_thread.start()
        threading.Thread(target=self._ping_loop, name="switchboard-bus-ping", daemon=True).start()
        return self

    def _name(self, index):
        return "%s:%s" % self.bridges[index]

    def _open(self, index):
        host, port = self.bridges[index]
        sock = socket.create_connection((host, port), timeout=self._connect_timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._ssl is not None:
                sock = self._ssl.wrap_socket(sock, server_hostname=host)  # the handshake within connect_timeout
            sock.settimeout(None)
            if self._ssl is not None:
                sock = _SerializedTls(sock)
            with self._write_lock:
                if self._closed.is_set():
                    raise ConnectionError("client closed")
                self._sock, self._reader = sock, FrameReader(sock, self._max_frame)
                with self._answers:
                    self._pings_sent = self._pongs = 0
                self._current, self.host, self.port = index, host, port
                # What waited for the lost connection is dropped: its replies could not reach their senders.
                self._outbox = []
                for address in list(self._handlers):
                    self._enqueue({"type": "register", "address": address})
            self._flush()
        except BaseException:
            self._release(sock)  # once published, another writer may be sending on it
            raise
        self._connected_at = time.monotonic()
        self._connected.set()

    def close(self, timeout=5.0):
        """Closes the connection; the reader thread is done with the socket before its descriptor is released.

        Closing the socket straight away, while the reader thread was about to read it again, let the OS hand the same
        descriptor number to the next socket the process opened, and the reader (OpenSSL keeps the bare number) then
        read that socket's bytes: a TLS connection opened right after close() lost records ("bad record mac", "wrong
        version number"). So: shut the socket down (the reader sees the end of the stream and stops), wait for the
        reader, and only then close (under the send lock, so that no write is under way either).
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
        with self._send_lock, self._write_lock:
            for each in {sock, self._sock}:  # the reader may have reconnected meanwhile
                try:
                    each.close()
                except OSError:
                    pass

    def _release(self, sock):
        """Closes a lost connection's socket: shut down first, so that a writer blocked on it returns, then closed
        under the send lock, so that no writer still uses its descriptor (see close())."""
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        with self._send_lock:
            try:
                sock.close()
            except OSError:
                pass

    def wait_connected(self, timeout=None):
        return self._connected.wait(timeout)

    def _write(self, message, generation=None):
        """Sends a frame; with a generation, only on that connection (returns False, sending nothing, if it is lost)."""
        with self._write_lock:
            if generation is not None and generation != self.generation:
                return False
            self._enqueue(message)
        self._flush()
        return True

    def _enqueue(self, message):
        """With the write lock held: puts the frame in the outbox, after every frame put there before it."""
        if self._sock is None:
            raise ConnectionError("not connected to the bridge")
        if message.get("type") == "ping":
            with self._answers:
                self._pings_sent += 1
        if self._token:
            # The bridge wants its token on every frame, pings and replies included; it removes it before passing on.
            message = dict(message, headers=dict(message.get("headers") or {}, token=self._token))
        self._outbox.append(encode(message))

    def _flush(self):
        """Sends what the outbox holds, in one sendall, unless another thread is sending: that one sends it too, since
        it looks at the outbox again once it has let go of the send lock. So a writer never waits for another's
        system call, and under load one call carries the replies of many threads. A send that fails raises here;
        the frames it held are lost with the connection, as they would be in the socket's buffer."""
        while self._outbox and self._send_lock.acquire(blocking=False):
            try:
                with self._write_lock:
                    sock, frames, self._outbox = self._sock, self._outbox, []
                if frames:
                    sock.sendall(b"".join(frames))
            finally:
                self._send_lock.release()

    def on_lost(self, callback):
        """Calls callback(bridge, reason) on the reader thread when the connection drops, before the client reconnects
        (bridge is "host:port"; the lost connection's generation is then generation - 1); returns a function that
        removes it."""
        self._lost_listeners.append(callback)

        def remove():
            try:
                self._lost_listeners.remove(callback)
            except ValueError:
                pass
        return remove

    def _read_loop(self):
        while not self._closed.is_set():
            try:
                while True:
                    self._dispatch(self._reader.read())
            except FrameError as e:
                reason = "it broke the framing: %s" % e
            except (ConnectionError, OSError) as e:
                reason = str(e) or type(e).__name__
            self._connected.clear()
            self._fail_pending("connection to the bridge lost")
            if self._closed.is_set():
                return
            lost = self._name(self._current)
            with self._write_lock:
                self.generation += 1  # from here on, replies to the lost connection's messages are dropped
            self._release(self._sock)
            for listener in list(self._lost_listeners):
                try:
                    listener(lost, reason)
                except Exception:  # a listener's bug must not stop the reconnection
                    log.exception("listener for the loss of bridge %s failed", lost)
            self._reconnect(lost, reason)

    def _reconnect(self, lost, reason):
        """Tries the bridges after the lost one, round robin, with back-off, until one answers or the client closes."""
        if time.monotonic() - self._connected_at >= self._max_backoff:
            self._backoff = self._min_backoff
        index, failed = self._current, 0
        while not self._closed.wait(self._backoff):
            self._backoff = min(self._backoff * 2, self._max_backoff)
            index = (index + 1) % len(self.bridges)
            try:
                self._open(index)
            except OSError as e:
                failed += 1
                if failed == len(self.bridges):  # once per outage, not per attempt
                    log.warning("bridge %s lost (%s); no bridge of %d reachable yet (last: %s: %s), still trying",
                                lost, reason, len(self.bridges), self._name(index), e)
                continue
            log.warning("bridge %s lost (%s); connected to %s, %d handlers registered again", lost, reason,
                        self._name(index), len(self._handlers))
            return

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
                with self._answers:
                    self.errors = (self.errors + [frame.get("message")])[-20:]
                    self._error_count += 1
                    self._answers.notify_all()
        elif kind == "pong":  # the connection is alive, and every frame sent before the ping has been acted on
            with self._answers:
                self._pongs += 1
                self._answers.notify_all()

    def _fail_pending(self, reason):
        pending, self._pending = self._pending, {}
        for waiter in pending.values():
            waiter.append(("err", ReplyError(-1, reason, "CONNECTION")))
            waiter.event.set()

    def sync(self, timeout=5.0):
        """Waits until the bridge has acted on every frame sent so far: sends a ping and waits for its pong (the bridge
        answers in order). Returns the distinct messages of the err frames not tied to a request that arrived since
        the previous sync() (the first one: since the client was made): [] when all went through. They are counted
        from there, not from this call, because a refusal can arrive before it: the register just sent may be
        answered before the ping leaves. A refused register or a wrong token answers with an err frame (with a wrong
        token the ping is refused too), so an err ends the wait at once. Raises TimeoutError when neither comes within
        timeout."""
        with self._write_lock:  # the ping's number and its place in the outbox in one step
            self._enqueue({"type": "ping"})
            with self._answers:
                wanted = self._pings_sent
        self._flush()
        with self._answers:
            errors_before = self._errors_synced
            if not self._answers.wait_for(lambda: self._pongs >= wanted or self._error_count > errors_before,
                                          timeout):
                raise TimeoutError("no answer from the bridge %s:%s within %s s" % (self.host, self.port, timeout))
            new = self._error_count - errors_before
            self._errors_synced = self._error_count
            return list(dict.fromkeys(self.errors[-new:])) if new else []  # each message once, in order

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
