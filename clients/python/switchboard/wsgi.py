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
import io
import logging
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from . import appspec
from .arbiter import LOG_FORMAT, Arbiter
from .bodies import START_TIMEOUT, Cancelled, FirstChunkFlusher, Response, StreamingInput
from .bus import BusClient
from .options import add_bridge_options, bridge_settings

log = logging.getLogger("switchboard.wsgi")

STREAM_THRESHOLD = 64 * 1024
FLUSH_DELAY = 0.01  # how long a generator's lone first chunk waits for a second one or the end before it streams


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
