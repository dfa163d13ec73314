"""switchboard-wsgi's arbiter and start-up: a refused token fails start-up, a dead worker is restarted, --timeout and
--max-requests replace a worker, SIGHUP loads the application again in fresh workers."""

import base64
import os
import signal
import tempfile
import unittest

from switchboard.arbiter import Arbiter
from tests.adapter import Adapter
from tests.fakebridge import WAIT, FakeBridge

SERVING = "serving wsgi.app with"


def temporary_file(test, content, suffix=""):
    """A file holding content, deleted when the test ends; its path."""
    with tempfile.NamedTemporaryFile("wb", suffix=suffix, delete=False) as f:
        f.write(content)
    test.addCleanup(os.unlink, f.name)
    return f.name


def body(reply):
    return base64.b64decode(reply["body"]["body"])


class StartUpTest(unittest.TestCase):
    def setUp(self):
        self.bridge = FakeBridge(token="right")
        self.addCleanup(self.bridge.close)

    def test_a_wrong_token_fails_start_up_with_one_line(self):
        adapter = Adapter(self, "tests.factory:application", self.bridge, env={"SWITCHBOARD_TOKEN": "wrong"})
        self.assertEqual(adapter.exit_status(), 5)
        self.assertIn("switchboard-wsgi: the bridge at 127.0.0.1:%d refused to register wsgi.app: invalid_token"
                      % self.bridge.port, adapter.lines[-1])
        self.assertFalse([line for line in adapter.lines if SERVING in line or "Traceback" in line], adapter.lines)

    def test_the_token_from_the_environment(self):
        adapter = Adapter(self, "tests.factory:application", self.bridge, env={"SWITCHBOARD_TOKEN": "right"})
        adapter.wait_for(SERVING)
        self.assertEqual(self.bridge.expect_register("wsgi.app")["headers"]["token"], "right")

    def test_the_token_from_a_file(self):
        token_file = temporary_file(self, b"right\n", ".token")
        adapter = Adapter(self, "tests.factory:application", self.bridge, "--token-file", token_file,
                          env={"SWITCHBOARD_TOKEN": "wrong"})  # the file comes first
        adapter.wait_for(SERVING)
        self.assertEqual(self.bridge.expect_register("wsgi.app")["headers"]["token"], "right")

    def test_an_unreadable_token_file_is_a_usage_error(self):
        adapter = Adapter(self, "tests.factory:application", self.bridge, "--token-file", "/nonexistent/token")
        self.assertEqual(adapter.exit_status(), 2)
        self.assertIn("cannot read --token-file: No such file or directory", adapter.lines[-1])


class RequestLimitTest(unittest.TestCase):
    def test_jitter_spreads_the_limits_within_n_to_n_plus_j(self):
        arbiter = Arbiter("m:app", "x", {}, max_requests=100, max_requests_jitter=5)
        limits = {arbiter.request_limit() for _ in range(500)}
        self.assertTrue(limits <= set(range(100, 106)), limits)
        self.assertGreater(len(limits), 1)  # one value 500 times: no jitter (chance with it: 6 x (1/6)^500)

    def test_no_limit_without_max_requests(self):
        self.assertEqual(Arbiter("m:app", "x", {}, max_requests_jitter=5).request_limit(), 0)


class SupervisionTest(unittest.TestCase):
    def setUp(self):
        self.bridge = FakeBridge()
        self.addCleanup(self.bridge.close)

    def pid(self, reply_address):
        """The pid of the worker on the bridge's newest connection."""
        self.bridge.request(reply_address, "/pid")
        return int(body(self.bridge.reply_to(reply_address)))

    def test_a_dead_worker_is_restarted(self):
        adapter = Adapter(self, "tests.factory:application", self.bridge)
        adapter.wait_for(SERVING)
        self.bridge.expect_register("wsgi.app")
        first = self.pid("r.1")
        self.bridge.request("r.2", "/die")
        adapter.wait_for("worker %d exited unexpectedly (exit code 7): starting another" % first)
        self.bridge.expect_register("wsgi.app")
        self.assertNotEqual(self.pid("r.3"), first)

    def test_a_worker_that_dies_while_starting_is_tried_again_later(self):
        factory_file = temporary_file(self, b"one")
        adapter = Adapter(self, "tests.factory:application", self.bridge, env={"FACTORY_FILE": factory_file})
        adapter.wait_for(SERVING)
        self.bridge.expect_register("wsgi.app")
        with open(factory_file, "wb") as changed:
            changed.write(b"die")
        self.bridge.request("r.1", "/die")  # its replacement dies while it loads the application
        adapter.wait_for("exited while starting (exit code 9); another in 1.0 s")
        with open(factory_file, "wb") as changed:
            changed.write(b"one")
        self.bridge.expect_register("wsgi.app")
        self.bridge.request("r.2", "/")
        self.assertEqual(body(self.bridge.reply_to("r.2")), b"hello debug=False")

    def test_a_request_past_the_timeout_is_failed_and_its_worker_replaced(self):
        adapter = Adapter(self, "tests.factory:application", self.bridge, "--timeout", "0.5",
                          "--graceful-timeout", "1")
        adapter.wait_for(SERVING)
        self.bridge.expect_register("wsgi.app")
        first = self.pid("r.1")
        self.bridge.request("r.2", "/hang")
        failure = self.bridge.reply_to("r.2", "failure")
        self.assertEqual(failure["failureCode"], 504)
        self.assertIn("ran past the worker timeout of 0.5 s", failure["message"])
        self.bridge.expect_register("wsgi.app")  # the replacement
        adapter.wait_for("worker %d retires (a request ran past the timeout of 0.5 s)" % first)
        self.assertNotEqual(self.pid("r.3"), first)
        # The old process ends after its graceful timeout although its thread still hangs.
        adapter.wait_for("1 requests unfinished after the graceful timeout of 1.0 s", timeout=WAIT * 2)

    def test_max_requests_replaces_a_worker(self):
        adapter = Adapter(self, "tests.factory:application", self.bridge, "--max-requests", "2")
        adapter.wait_for(SERVING)
        self.bridge.expect_register("wsgi.app")
        first = self.pid("r.1")
        self.assertEqual(self.pid("r.2"), first)
        adapter.wait_for("worker %d retires (served its 2 requests (--max-requests))" % first)
        self.bridge.expect_register("wsgi.app")
        self.assertNotEqual(self.pid("r.3"), first)

    def test_a_replacement_that_finds_no_bridge_is_tried_again(self):
        adapter = Adapter(self, "tests.factory:application", self.bridge, "--max-requests", "1")
        adapter.wait_for(SERVING)
        self.bridge.expect_register("wsgi.app")
        self.bridge.stop_accepting()  # the worker's own connection stays
        first = self.pid("r.1")
        adapter.wait_for("worker %d retires" % first)
        adapter.wait_for("could not start: no bridge reachable")
        bridge = FakeBridge(self.bridge.port)  # the bridge is back
        self.addCleanup(bridge.close)
        bridge.expect_register("wsgi.app")
        bridge.request("r.2", "/pid")
        self.assertNotEqual(int(body(bridge.reply_to("r.2"))), first)

    def test_sighup_loads_the_application_again_in_fresh_workers(self):
        factory_file = temporary_file(self, b"one")
        adapter = Adapter(self, "tests.factory:file_app", self.bridge, env={"FACTORY_FILE": factory_file})
        adapter.wait_for(SERVING)
        self.bridge.expect_register("wsgi.app")
        self.bridge.request("r.1", "/")
        self.assertEqual(body(self.bridge.reply_to("r.1")), b"one")
        with open(factory_file, "wb") as changed:
            changed.write(b"two")
        adapter.signal(signal.SIGHUP)
        adapter.wait_for("reloaded: workers")
        self.bridge.expect_register("wsgi.app")
        self.bridge.request("r.2", "/")
        self.assertEqual(body(self.bridge.reply_to("r.2")), b"two")

    def test_a_reload_that_cannot_load_keeps_the_old_workers(self):
        factory_file = temporary_file(self, b"one")
        adapter = Adapter(self, "tests.factory:file_app", self.bridge, env={"FACTORY_FILE": factory_file})
        adapter.wait_for(SERVING)
        self.bridge.expect_register("wsgi.app")
        old = self.bridge.connections[-1]
        with open(factory_file, "wb") as changed:
            changed.write(b"broken")
        adapter.signal(signal.SIGHUP)
        line = adapter.wait_for("reload failed, the old workers go on")
        self.assertIn("RuntimeError: this application cannot load (on purpose)", line)
        self.assertIs(self.bridge.connections[-1], old)  # the new worker never connected
        self.bridge.request("r.1", "/")
        self.assertEqual(body(self.bridge.reply_to("r.1")), b"one")

    def test_sigterm_stops_with_status_0(self):
        adapter = Adapter(self, "tests.factory:application", self.bridge, "--workers", "2")
        adapter.wait_for(SERVING)
        adapter.signal(signal.SIGTERM)
        self.assertEqual(adapter.exit_status(), 0)
        self.assertIn("stopping 2 workers", "\n".join(adapter.lines))

    def test_log_level_warning_leaves_out_the_info_lines(self):
        adapter = Adapter(self, "tests.factory:application", self.bridge, "--log-level", "warning")
        self.bridge.expect_register("wsgi.app")
        adapter.signal(signal.SIGTERM)
        self.assertEqual(adapter.exit_status(), 0)
        self.assertFalse([line for line in adapter.lines if " INFO " in line], adapter.lines)


if __name__ == "__main__":
    unittest.main()
