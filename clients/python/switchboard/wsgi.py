"""Serves a PEP 3333 application behind the Switchboard gateway, through the TCP event-bus bridge.

    from switchboard.wsgi import serve_wsgi
    serve_wsgi(app, "shop", bridge=("127.0.0.1", 7070))      # GET http://gateway/apps/shop/... now reaches app

or from the command line (`pip install ./clients/python` installs it as switchboard-wsgi; the worker processes are
supervised by switchboard.arbiter):

    switchboard-wsgi mymodule:app --name shop --bridge 127.0.0.1:7070 --threads 8 --queue 8 --workers 2
    switchboard-wsgi "mymodule:create_app('prod')" --name shop --token-file /etc/switchboard/token --timeout 30

Several bridges (`--bridge A:7070,B:7070`, or `--bridge` repeated; `bridge=[(A, 7070), (B, 7070)]`): the adapter
serves through the first it reaches and, when that connection drops, through the next, round robin, registering again
there. Requests in flight on the lost connection cannot be answered (their reply address was on that bridge): they
are dropped, with one log line that counts them.

Each request runs on a bounded thread pool, with at most `--queue` (max_waiting) more waiting for a thread, none
by default. Past that the request is failed back at once with code 503, which the gateway answers as 503: nothing
queues for ever. A body larger than the stream threshold goes back through the gateway's streaming contract with
credit, so a slow HTTP client slows the application's iteration.
"""

import argparse
import base64
import collections
import io
import logging
import queue
import signal
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from . import appspec
from .arbiter import LOG_FORMAT, Arbiter
from .bus import BusClient
from .options import add_bridge_options, bridge_settings

log = logging.getLogger("switchboard.wsgi")

STREAM_THRESHOLD = 64 * 1024
FLUSH_DELAY = 0.01  # how long a generator's lone first chunk waits for a second one or the end before it streams
START_TIMEOUT = 30.0
BODY_WINDOW = 4


class Cancelled(Exception):
    """The gateway cancelled the response: its client went away, or it was a HEAD request."""


class StartError(Exception):
    """The adapter could not start serving: status is the exit status the command line ends with."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class WsgiServer:
    """Serves the application as wsgi.<name>. timeout: a request still running after that many seconds is failed
    back (code 504; the gateway answers 502) and on_retire(reason) is called, so that a supervisor can replace this
    process (a thread cannot be stopped, a process can); max_requests: on_retire is called after that many;
    flush_delay: how long a generator's first chunk waits for a second one, or the end, before it is streamed."""

    def __init__(self, app, name, host="127.0.0.1", port=7070, threads=8, token=None, multiprocess=False,
                 stream_threshold=STREAM_THRESHOLD, max_waiting=0, bridges=None, ssl_context=None, timeout=None,
                 max_requests=0, on_retire=None, flush_delay=FLUSH_DELAY):
        self.app = app
        self.address = "wsgi." + name
        self.bus = BusClient(host, port, token=token, bridges=bridges, ssl_context=ssl_context)
        self.bus.on_lost(self._drop_in_flight)
        self._in_flight = set()  # the requests taken (queued or running), each until its last message has left
        self._in_flight_lock = threading.Condition()
        self._running = {}  # message -> when its thread took it
        self._threads = threads
        self._max_waiting = max_waiting
        # A slot for each thread and each place in the queue: the pool's own queue never holds more than max_waiting.
        self._slots = threading.BoundedSemaphore(threads + max_waiting)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi-" + name)
        self._multiprocess = multiprocess
        self._stream_threshold = stream_threshold
        self._flusher = FirstChunkFlusher(flush_delay)
        self._timeout = timeout
        self._max_requests = max_requests
        self._served = 0
        self._on_retire = on_retire or (lambda reason: log.warning("%s: %s", self.address, reason))
        self._retired = False
        self._stopped = threading.Event()

    def start(self):
        """Connects, registers and waits for the bridge to accept the registration; raises StartError."""
        try:
            self.bus.connect()
        except OSError as e:
            raise StartError(4, str(e)) from None
        self.bus.register(self.address, self._on_request)
        try:
            refused = self.bus.sync(START_TIMEOUT)
        except (OSError, TimeoutError) as e:
            self.bus.close()
            raise StartError(3, "registering %s: %s" % (self.address, e)) from None
        if refused:
            self.bus.close()
            raise StartError(5, "the bridge at %s:%s refused to register %s: %s"
                             % (self.bus.host, self.bus.port, self.address, ", ".join(refused)))
        if self._timeout:
            threading.Thread(target=self._watch_timeouts, name="wsgi-timeout", daemon=True).start()
        log.info("serving %s through the bridge at %s:%s (of %d) with %d threads and a queue of %d", self.address,
                 self.bus.host, self.bus.port, len(self.bus.bridges), self._threads, self._max_waiting)
        return self

    def stop(self, graceful_timeout=None):
        """Takes no more requests, waits up to graceful_timeout (None: for ever) for those taken; returns how many
        were still unfinished."""
        self._stopped.set()
        self.bus.unregister(self.address)
        with self._in_flight_lock:
            self._in_flight_lock.wait_for(lambda: not self._in_flight, graceful_timeout)
            unfinished = len(self._in_flight)
        self._pool.shutdown(wait=not unfinished)
        self.bus.close()
        return unfinished

    def _retire(self, reason):
        with self._in_flight_lock:
            if self._retired:
                return
            self._retired = True
        self._on_retire(reason)

    def _watch_timeouts(self):
        interval = min(1.0, self._timeout / 4)
        while not self._stopped.wait(interval):
            now = time.monotonic()
            with self._in_flight_lock:
                overdue = [m for m, started in self._running.items() if now - started > self._timeout]
                for message in overdue:
                    del self._running[message]
            for message in overdue:
                answer = message.abandoned()  # whatever the application's thread answers later is dropped
                answer.fail(504, "%s: the request ran past the worker timeout of %s s" % (self.address, self._timeout))
            if overdue:
                log.error("%s: %d requests ran past the timeout of %s s: failed back; this worker is replaced",
                          self.address, len(overdue), self._timeout)
                self._retire("a request ran past the timeout of %s s" % self._timeout)

    def _on_request(self, message):
        if not self._slots.acquire(blocking=False):
            message.fail(503, "all %d threads of %s are busy and %d requests wait"
                         % (self._threads, self.address, self._max_waiting))
            return
        with self._in_flight_lock:
            self._in_flight.add(message)
        self._pool.submit(self._run, message)

    def _drop_in_flight(self, bridge, reason):
        with self._in_flight_lock:
            dropped = sum(1 for message in self._in_flight if message.generation == self.bus.generation - 1)
        if dropped:
            log.warning("%s: %d requests in flight on bridge %s dropped (%s): their replies cannot reach the gateway",
                        self.address, dropped, bridge, reason)

    def _run(self, message):
        released = []

        def release():
            # Before the last message leaves: once the gateway has the answer, its client may send the next request
            # at once, and it must find this thread free.
            if not released:
                released.append(True)
                with self._in_flight_lock:
                    self._in_flight.discard(message)
                    self._running.pop(message, None)
                    self._served += 1
                    limit_reached = self._served == self._max_requests
                    self._in_flight_lock.notify_all()
                self._slots.release()
                if limit_reached:
                    self._retire("served its %d requests (--max-requests)" % self._max_requests)

        try:
            if not message.stale:  # one that waited in the queue while its bridge was lost is not run for nothing
                with self._in_flight_lock:
                    self._running[message] = time.monotonic()
                self._handle(message, release)
        finally:
            release()

    def _handle(self, message, release):
        request = message.body or {}
        body_input = StreamingInput(self.bus, request["bodyStream"]) if request.get("bodyStream") \
            else io.BytesIO(base64.b64decode(request.get("body") or ""))
        environ = dict(request.get("environ") or {})
        environ.update({
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": environ.get("wsgi.url_scheme", "http"),
            "wsgi.input": body_input,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": self._threads > 1,
            "wsgi.multiprocess": self._multiprocess,
            "wsgi.run_once": False,
        })
        response = Response(self.bus, message, self._stream_threshold, release, self._flusher)
        try:
            result = self.app(environ, response.start_response)
            response.incremental = not isinstance(result, (list, tuple))
            try:
                for data in result:
                    response.write(data)
                response.finish()
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Cancelled as e:
            if not message.stale:  # a lost bridge's requests are counted once, in _drop_in_flight
                log.info("%s: response cancelled (%s)", self.address, e)
        except Exception as e:
            if message.stale:
                log.debug("%s: application failed after its bridge was lost: %s", self.address, e)
            else:
                log.exception("%s: application failed", self.address)
            response.abort("application error: %s" % type(e).__name__)


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
        self._gateway = None
        self._credit = 0
        self._max_chunk = 64 * 1024
        self._seq = 0
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
        body = message.body or {}
        with self._lock:
            kind = body.get("type")
            if kind == "start":
                self._gateway = body.get("address")
                self._credit += int(body.get("credit", 0))
                self._max_chunk = int(body.get("maxChunkBytes", self._max_chunk))
            elif kind == "credit":
                self._credit += int(body.get("credit", 0))
            elif kind == "cancel":
                self._cancelled = body.get("reason", "cancelled")
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
                    if self._cancelled or not self._gateway or self._credit <= 0 or not self._pending:
                        return
                    self._credit -= 1
                    chunk = bytes(self._pending[:self._max_chunk])
                    del self._pending[:self._max_chunk]
                    seq, self._seq = self._seq, self._seq + 1
                self._bus.send(self._gateway, {"type": "data", "seq": seq,
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
            self._wait(lambda: len(self._pending) < self._max_chunk, "credit")
            self._pending += data
        self._send_pending()

    def end(self, before_end=lambda: None):
        """Sends the end once every byte written has left; before_end runs just before."""
        with self._lock:
            self._wait(lambda: self._gateway and not self._pending and not self._sending, "credit")
            gateway = self._gateway
        before_end()
        self._bus.send(gateway, {"type": "end"})
        self._close()

    def error(self, reason):
        if self._gateway and not self._cancelled:
            self._bus.send(self._gateway, {"type": "error", "message": reason})
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
        self._stop_watching = bus.on_lost(
            lambda bridge, reason: self._chunks.put(IOError("bridge %s lost: %s" % (bridge, reason))))
        bus.register(self.address, self._on_message)
        bus.send(body_stream, {"type": "credit", "credit": BODY_WINDOW, "address": self.address})

    def _close(self):
        self._done = True
        self._stop_watching()
        self._bus.unregister(self.address)

    def _on_message(self, message):
        body = message.body or {}
        kind = body.get("type")
        if kind == "data":
            self._chunks.put(base64.b64decode(body.get("data", "")))
        elif kind == "end":
            self._chunks.put(None)
        elif kind == "error":
            self._chunks.put(IOError(body.get("message", "request body failed")))

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
                self._bus.send(self._stream, {"type": "credit", "credit": 1})
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


def serve_wsgi(app, name, bridge=("127.0.0.1", 7070), threads=8, token=None, multiprocess=False, max_waiting=0,
               ssl_context=None):
    """Serves the application as wsgi.<name> until the process is stopped.

    bridge: (host, port), or a list of them to fail over between."""
    bridges = [bridge] if isinstance(bridge[0], str) else list(bridge)
    server = WsgiServer(app, name, threads=threads, token=token, multiprocess=multiprocess, max_waiting=max_waiting,
                        bridges=bridges, ssl_context=ssl_context)
    server.start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    server.stop()


LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="switchboard-wsgi", description="Serve a WSGI application behind the Switchboard gateway.",
        epilog="Exit status: 0 stopped, 2 bad arguments or application spec, 3 not serving in time, 4 no bridge "
               "reachable, 5 refused by the bridge (a wrong token, an address outside the allow-list).")
    parser.add_argument("app", help="MODULE[:APP]: myapp:application, myapp:create_app() or "
                                    "myapp:create_app('prod', debug=False) (literal arguments only)")
    parser.add_argument("--name", required=True, help="served at /apps/NAME/ (bus address wsgi.NAME)")
    add_bridge_options(parser)
    parser.add_argument("--threads", type=int, default=8, help="requests served at once per worker")
    parser.add_argument("--queue", type=int, default=0,
                        help="requests that may wait for a thread per worker; past that, 503 at once (default 0)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes, each with its own connection")
    parser.add_argument("--timeout", type=float, default=0, metavar="S",
                        help="a request running longer is failed back (the client gets 502) and its worker replaced "
                             "(default 0: no limit)")
    parser.add_argument("--graceful-timeout", type=float, default=30.0, metavar="S",
                        help="how long a stopping worker may finish its requests (default 30)")
    parser.add_argument("--max-requests", type=int, default=0, metavar="N",
                        help="replace a worker after N requests (default 0: never)")
    parser.add_argument("--max-requests-jitter", type=int, default=0, metavar="J",
                        help="add 0..J at random to each worker's --max-requests, so they do not all restart at once")
    parser.add_argument("--log-level", default="info", choices=LOG_LEVELS, help="default info")
    args = parser.parse_args(argv)
    bridges, token, ssl_context = bridge_settings(args, parser)
    if args.threads < 1 or args.queue < 0 or args.workers < 1:
        parser.error("--threads and --workers must be at least 1 and --queue at least 0")
    if args.timeout < 0 or args.graceful_timeout < 0 or args.max_requests < 0 or args.max_requests_jitter < 0:
        parser.error("--timeout, --graceful-timeout, --max-requests and --max-requests-jitter cannot be negative")
    try:
        appspec.parse(args.app)
    except appspec.AppSpecError as e:
        parser.error(str(e))
    level = getattr(logging, args.log_level.upper())
    logging.basicConfig(level=level, format=LOG_FORMAT)
    options = {"bridges": bridges, "threads": args.threads, "token": token, "max_waiting": args.queue,
               "ssl_context": ssl_context, "timeout": args.timeout or None}
    arbiter = Arbiter(args.app, args.name, options, workers=args.workers, graceful_timeout=args.graceful_timeout,
                      max_requests=args.max_requests, max_requests_jitter=args.max_requests_jitter, log_level=level)
    sys.exit(arbiter.run())


if __name__ == "__main__":
    main()
