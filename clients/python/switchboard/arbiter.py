"""The supervisor of switchboard-wsgi's worker processes, like gunicorn's arbiter.

Each worker is a process with its own bridge connection, its own thread pool, and the application loaded in it (after
the fork, so SIGHUP can load new code). The arbiter starts them and reports "serving" only once every worker's
registration has been accepted by the bridge; restarts a worker that dies (and tries again, with back-off, one that
could not start, e.g. while the bridge was down); replaces a worker that asks to retire (a
request past --timeout, or --max-requests reached): the new one starts, then the old one stops taking requests and
finishes its own within --graceful-timeout; on SIGHUP starts a fresh set and stops the old set once the new one serves;
on SIGTERM or SIGINT stops every worker gracefully and exits.

Worker -> arbiter messages (over a pipe): ("ready",), ("error", exit status, one line), ("retire", reason).
Arbiter -> worker: "stop". A worker whose arbiter is gone (its pipe ends) stops too.
"""

import logging
import multiprocessing
import multiprocessing.connection
import os
import random
import signal
import socket
import sys
import threading
import time

from . import appspec

log = logging.getLogger("switchboard.wsgi")

LOG_FORMAT = "%(asctime)s %(levelname)s [%(processName)s] %(name)s - %(message)s"
READY_TIMEOUT = 60.0  # connect, load the application, register: longer than the adapter's own START_TIMEOUT
# A worker that could not start (the bridge down while it replaced another) is tried again after this, doubling.
RESPAWN_DELAY = 1.0
MAX_RESPAWN_DELAY = 30.0


class Worker:
    def __init__(self, process, conn, generation):
        self.process = process
        self.conn = conn
        self.generation = generation
        self.ready = False
        self.leaving = False  # told to stop: its exit is expected


class Arbiter:
    def __init__(self, spec, name, server_options, workers=1, graceful_timeout=30.0, max_requests=0,
                 max_requests_jitter=0, log_level=logging.INFO):
        self.spec = spec
        self.name = name
        self.server_options = server_options
        self.count = workers
        self.graceful_timeout = graceful_timeout
        self.max_requests = max_requests
        self.jitter = max_requests_jitter
        self.log_level = log_level
        self.workers = []
        self.generation = 0
        self._context = multiprocessing.get_context("fork")
        self._numbers = 0
        self._signals = []
        self._respawns = []  # when a worker that could not start is to be tried again (time.monotonic())
        self._respawn_delay = RESPAWN_DELAY

    # -- the arbiter's side --------------------------------------------------------------------------------------

    def run(self):
        """Serves until SIGTERM or SIGINT; returns the exit status (0, or a failed start's)."""
        wake_read, wake_write = socket.socketpair()
        wake_read.setblocking(False)
        wake_write.setblocking(False)
        signal.set_wakeup_fd(wake_write.fileno())
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, lambda number, frame: self._signals.append(number))
        try:
            failure = self._start_generation()
            if failure:
                self._stop(self.workers, quick=True)
                print("switchboard-wsgi: %s" % failure[1], file=sys.stderr)
                return failure[0]
            log.info("serving wsgi.%s with %d worker processes (pids %s)", self.name, len(self.workers),
                     " ".join(str(w.process.pid) for w in self.workers))
            self._loop(wake_read)
            return 0
        finally:
            signal.set_wakeup_fd(-1)
            wake_read.close()
            wake_write.close()

    def _loop(self, wake):
        while True:
            while self._signals:
                number = self._signals.pop(0)
                if number == signal.SIGHUP:
                    self._reload()
                else:
                    log.info("stopping %d workers (graceful timeout %s s)", len(self.workers), self.graceful_timeout)
                    self._stop(self.workers)
                    return
            now = time.monotonic()
            due = [at for at in self._respawns if at <= now]
            for at in due:
                self._respawns.remove(at)
                self._spawn(self.generation)
            timeout = max(0.0, min(self._respawns) - now) if self._respawns else None
            waitables = [wake] + [w.conn for w in self.workers if w.conn] + [w.process.sentinel for w in self.workers]
            for ready in multiprocessing.connection.wait(waitables, timeout):
                if ready is wake:
                    try:
                        wake.recv(64)
                    except BlockingIOError:
                        pass
                    continue
                worker = self._owner(ready)
                if worker is None:
                    continue
                if ready is worker.conn:
                    self._on_message(worker)
                else:
                    self._on_exit(worker)

    def _owner(self, waitable):
        for worker in self.workers:
            if waitable is worker.conn or waitable == worker.process.sentinel:
                return worker
        return None

    def _on_message(self, worker):
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            worker.conn.close()
            worker.conn = None  # its exit follows
            return
        if message[0] == "retire" and not worker.leaving:
            log.info("worker %d retires (%s): starting another", worker.process.pid, message[1])
            self._spawn(self.generation)
            self._tell_stop(worker)
        elif message[0] == "error":
            worker.leaving = True
            self._respawn_later("worker %d could not start: %s" % (worker.process.pid, message[2]))
        elif message[0] == "ready":
            worker.ready = True
            self._respawn_delay = RESPAWN_DELAY

    def _on_exit(self, worker):
        while worker.conn is not None and worker.conn.poll():  # what it said before it went (an error, a retirement)
            self._on_message(worker)
        worker.process.join()
        self.workers.remove(worker)
        if worker.leaving:
            return
        if worker.ready:
            log.warning("worker %d exited unexpectedly (exit code %s): starting another",
                        worker.process.pid, worker.process.exitcode)
            self._spawn(self.generation)
        else:  # died while starting: again at once could spin
            self._respawn_later("worker %d exited while starting (exit code %s)"
                                % (worker.process.pid, worker.process.exitcode))

    def _respawn_later(self, why):
        log.error("%s; another in %s s", why, self._respawn_delay)
        self._respawns.append(time.monotonic() + self._respawn_delay)
        self._respawn_delay = min(self._respawn_delay * 2, MAX_RESPAWN_DELAY)

    def _start_generation(self):
        """Starts count workers of a new generation and waits until each is ready; returns None, or (status, line)
        of the first that failed (the others of the generation are then stopped by the caller)."""
        self.generation += 1
        fresh = [self._spawn(self.generation) for _ in range(self.count)]
        pending = list(fresh)
        while pending:
            waitables = [w.conn for w in pending if w.conn] + [w.process.sentinel for w in pending]
            ready = multiprocessing.connection.wait(waitables, READY_TIMEOUT)
            if not ready:
                return 3, "workers not serving within %s s" % READY_TIMEOUT
            for each in ready:
                worker = next(w for w in pending if each is w.conn or each == w.process.sentinel)
                if each is worker.conn:
                    try:
                        message = worker.conn.recv()
                    except (EOFError, OSError):
                        worker.conn.close()
                        worker.conn = None
                        message = None
                    if message and message[0] == "ready":
                        worker.ready = True
                        pending.remove(worker)
                        continue
                    if message and message[0] == "error":
                        worker.leaving = True
                        return message[1], message[2]
                    if message is None:
                        continue  # its exit follows
                worker.process.join(5)
                worker.leaving = True
                return 1, "a worker exited while starting (exit code %s)" % worker.process.exitcode
        return None

    def _reload(self):
        old = list(self.workers)
        log.info("SIGHUP: starting %d fresh workers", self.count)
        failure = self._start_generation()
        fresh = [w for w in self.workers if w.generation == self.generation]
        if failure:
            log.error("reload failed, the old workers go on: %s", failure[1])
            self._stop(fresh, quick=True)
            self.generation -= 1
            return
        log.info("reloaded: workers %s serve; the old ones stop", " ".join(str(w.process.pid) for w in fresh))
        for worker in old:
            self._tell_stop(worker)

    def _tell_stop(self, worker):
        worker.leaving = True
        try:
            worker.conn.send("stop")
        except (AttributeError, OSError, ValueError):  # AttributeError: its pipe has ended (conn None)
            pass

    def _stop(self, workers, quick=False):
        for worker in workers:
            self._tell_stop(worker)
        deadline = 5.0 if quick else self.graceful_timeout + 5.0
        for worker in workers:
            worker.process.join(deadline)
            if worker.process.is_alive():
                log.warning("worker %d did not stop within %s s: killed", worker.process.pid, deadline)
                worker.process.kill()
                worker.process.join(5)
            if worker in self.workers:
                self.workers.remove(worker)

    def request_limit(self):
        """A new worker's --max-requests: N plus 0..J at random, so that workers started together do not all restart
        together; 0 (no limit) without --max-requests."""
        return self.max_requests + random.randint(0, self.jitter) if self.max_requests else 0

    def _spawn(self, generation):
        self._numbers += 1
        limit = self.request_limit()
        parent_end, child_end = self._context.Pipe()
        siblings = [w.conn for w in self.workers if w.conn]
        process = self._context.Process(target=self._work, args=(child_end, siblings, parent_end, limit),
                                        name="worker-%d" % self._numbers, daemon=False)
        process.start()
        child_end.close()
        worker = Worker(process, parent_end, generation)
        self.workers.append(worker)
        return worker

    # -- the worker's side ---------------------------------------------------------------------------------------

    def _work(self, conn, siblings, parent_end, max_requests):
        # The arbiter's ends of the other workers' pipes, copied by the fork, would keep their pipes open.
        for each in siblings + [parent_end]:
            each.close()
        for sig in (signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # a terminal's ^C goes to the whole group: the arbiter decides
        logging.basicConfig(level=self.log_level, format=LOG_FORMAT, force=True)
        send_lock = threading.Lock()

        def send(message):
            with send_lock:
                try:
                    conn.send(message)
                except OSError:
                    pass

        from .wsgi import StartError, WsgiServer
        try:
            app = appspec.load(self.spec)
        except appspec.AppSpecError as e:
            send(("error", 2, str(e)))
            return
        except Exception as e:
            log.exception("loading %s failed", self.spec)
            send(("error", 2, "loading %s failed: %s: %s" % (self.spec, type(e).__name__, e)))
            return
        server = WsgiServer(app, self.name, max_requests=max_requests, on_retire=lambda r: send(("retire", r)),
                            multiprocess=self.count > 1, **self.server_options)
        try:
            server.start()
        except StartError as e:
            send(("error", e.status, str(e)))
            return
        send(("ready",))
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        threading.Thread(target=self._listen, args=(conn, stop), daemon=True).start()
        stop.wait()
        unfinished = server.stop(self.graceful_timeout)
        if unfinished:
            log.warning("%d requests unfinished after the graceful timeout of %s s: abandoned",
                        unfinished, self.graceful_timeout)
        logging.shutdown()
        os._exit(0)  # threads still running an application (past --timeout) end with the process

    @staticmethod
    def _listen(conn, stop):
        try:
            while conn.recv() != "stop":
                pass
        except (EOFError, OSError):
            pass  # the arbiter is gone
        stop.set()
