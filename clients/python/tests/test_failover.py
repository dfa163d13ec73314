"""The WSGI adapter with several bridges: two fake bridges speaking the framing of docs/bridge-protocol.md."""

import logging
import threading
import unittest

from switchboard.bus import BusClient, parse_bridges
from switchboard.wsgi import WsgiServer
from tests.fakebridge import WAIT, FakeBridge, free_port

class LogWatch(logging.Handler):
    """Collects the messages of the switchboard loggers; wait_for() blocks until one contains a text."""

    def __init__(self, test):
        super().__init__(logging.DEBUG)
        self.lines = []
        self._changed = threading.Condition()
        logger = logging.getLogger("switchboard")
        level = logger.level
        logger.addHandler(self)
        logger.setLevel(logging.INFO)
        test.addCleanup(logger.setLevel, level)
        test.addCleanup(logger.removeHandler, self)

    def emit(self, record):
        with self._changed:
            self.lines.append(record.getMessage())
            self._changed.notify_all()

    def wait_for(self, text):
        with self._changed:
            if not self._changed.wait_for(lambda: any(text in line for line in self.lines), WAIT):
                raise AssertionError("no log line with %r within %s s in %s" % (text, WAIT, self.lines))
            return next(line for line in self.lines if text in line)


class BlockingApp:
    """/hold waits until released (at most WAIT); every response is self.body; close() of the iterable is signalled."""

    def __init__(self):
        self.entered = threading.Event()
        self.release = threading.Event()
        self.closed = threading.Event()
        self.body = [b"ok"]

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == "/hold":
            self.entered.set()
            self.release.wait(WAIT)
        start_response("200 OK", [("Content-Type", "text/plain")])
        app = self

        class Body(list):
            def close(self):
                app.closed.set()
        return Body(self.body)


class FailoverTest(unittest.TestCase):
    def serve(self, app, bridges, **options):
        server = WsgiServer(app, "app", bridges=[b if isinstance(b, tuple) else b.address for b in bridges],
                            threads=2, **options)
        server.start()
        self.addCleanup(server.stop)
        return server

    def bridges(self, n):
        bridges = [FakeBridge() for _ in range(n)]
        for bridge in bridges:
            self.addCleanup(bridge.close)
        return bridges

    def test_the_lost_bridges_request_is_dropped_and_the_next_bridge_serves(self):
        """Bridge A goes: the adapter registers on B (with its token), logs the switch and the one request it drops."""
        logs = LogWatch(self)
        a, b = self.bridges(2)
        app = BlockingApp()
        self.serve(app, [a, b], token="s3cret")
        self.assertEqual(a.expect_register("wsgi.app")["headers"]["token"], "s3cret")

        a.request("reply.1", "/hold")
        self.assertTrue(app.entered.wait(WAIT))
        a.close()
        self.assertEqual(b.expect_register("wsgi.app")["headers"]["token"], "s3cret")
        logs.wait_for("bridge 127.0.0.1:%d lost (connection closed by the bridge); connected to 127.0.0.1:%d"
                      % (a.port, b.port))
        logs.wait_for("1 requests in flight on bridge 127.0.0.1:%d dropped" % a.port)

        # The held request finishes: its reply has nowhere to go and is not sent to B.
        app.release.set()
        self.assertTrue(app.closed.wait(WAIT))
        b.request("reply.2", "/")
        reply = b.expect(lambda f: f.get("type") == "send", "reply")
        self.assertEqual(reply["address"], "reply.2")
        self.assertEqual(reply["body"]["status"], "200 OK")
        self.assertEqual(reply["headers"]["token"], "s3cret")

    def test_a_streamed_response_on_the_lost_bridge_ends_at_once(self):
        """The application's thread, waiting for the gateway to start its stream, is freed when the bridge goes."""
        logs = LogWatch(self)
        a, b = self.bridges(2)
        app = BlockingApp()
        app.body = [b"x" * 100, b"y" * 100]
        self.serve(app, [a, b], stream_threshold=10)
        a.expect_register("wsgi.app")
        a.request("reply.1", "/")
        self.assertIn("stream", a.expect(lambda f: f.get("type") == "send", "reply")["body"])
        a.close()
        # Freed within WAIT (10 s), so by the bridge going and not by its own credit wait (START_TIMEOUT, 30 s).
        self.assertTrue(app.closed.wait(WAIT), "the application still waits for credit")
        logs.wait_for("1 requests in flight on bridge 127.0.0.1:%d dropped" % a.port)
        self.assertFalse([line for line in logs.lines if "cancelled" in line], "dropped quietly")

    def test_an_unreachable_first_bridge_is_skipped_and_the_list_wraps_around(self):
        """A is down at start, so B serves; when B goes, the adapter comes back to A, open again."""
        logs = LogWatch(self)
        port_a = free_port()
        (b,) = self.bridges(1)
        self.serve(BlockingApp(), [("127.0.0.1", port_a), b])
        b.expect_register("wsgi.app")

        a = FakeBridge(port_a)
        self.addCleanup(a.close)
        b.close()
        a.expect_register("wsgi.app")
        logs.wait_for("bridge 127.0.0.1:%d lost" % b.port)
        a.request("reply.1", "/")
        self.assertEqual(a.expect(lambda f: f.get("type") == "send", "reply")["address"], "reply.1")

    def test_no_bridge_reachable_at_start(self):
        client = BusClient(bridges=[("127.0.0.1", free_port()), ("127.0.0.1", free_port())], connect_timeout=1)
        with self.assertRaises(ConnectionError) as caught:
            client.connect()
        self.assertIn("no bridge reachable", str(caught.exception))
        self.assertEqual(str(caught.exception).count("127.0.0.1:"), 2)


class ParseBridgesTest(unittest.TestCase):
    def test_commas_and_repeats_in_order(self):
        self.assertEqual(parse_bridges(["a:1,b:2", "c:3"]), [("a", 1), ("b", 2), ("c", 3)])

    def test_ipv6_and_default_host(self):
        self.assertEqual(parse_bridges(["[::1]:7070", ":7071"]), [("::1", 7070), ("127.0.0.1", 7071)])

    def test_an_entry_without_a_port_is_refused(self):
        for bad in ["a", "a:", "a:x", "a:1,", "a:70000"]:
            with self.assertRaises(ValueError, msg=bad):
                parse_bridges([bad])


if __name__ == "__main__":
    unittest.main()
