"""switchboard-bus against a fake bridge: request, send, publish, listen, a refusal, an unreachable bridge."""

import json
import os
import subprocess
import sys
import unittest

from tests.fakebridge import WAIT, FakeBridge, free_port

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def bus(*args, stdin=None, env=None, port):
    return subprocess.Popen([sys.executable, "-m", "switchboard.buscli"] + list(args)
                            + ["--bridge", "127.0.0.1:%d" % port, "--timeout", str(WAIT)],
                            cwd=HERE, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ, **(env or {})))


class BusCommandTest(unittest.TestCase):
    def setUp(self):
        self.bridge = FakeBridge(token="t")
        self.addCleanup(self.bridge.close)
        self.env = {"SWITCHBOARD_TOKEN": "t"}

    def finish(self, process, stdin=None):
        out, err = process.communicate(stdin, timeout=WAIT * 2)
        return process.returncode, out, err

    def test_request_prints_the_reply(self):
        process = bus("request", "echo.request", '{"hello":"bus"}', env=self.env, port=self.bridge.port)
        sent = self.bridge.expect(lambda f: f.get("type") == "send", "request")
        self.assertEqual((sent["address"], sent["body"], sent["headers"]["token"]), ("echo.request", {"hello": "bus"}, "t"))
        self.bridge.send({"type": "message", "address": sent["replyAddress"], "body": {"hello": "back"}})
        self.assertEqual(self.finish(process), (0, '{"hello": "back"}\n', ""))

    def test_a_failed_request_and_a_refused_publish_exit_5(self):
        process = bus("request", "echo.request", "{}", env=self.env, port=self.bridge.port)
        sent = self.bridge.expect(lambda f: f.get("type") == "send", "request")
        self.bridge.send({"type": "err", "address": sent["replyAddress"], "failureCode": -1,
                          "failureType": "NO_HANDLERS", "message": "No handlers"})
        status, out, err = self.finish(process)
        self.assertEqual((status, out), (5, ""))
        self.assertEqual(err, "switchboard-bus: echo.request: No handlers (code -1)\n")
        status, out, err = self.finish(bus("publish", "x", "{}", env={"SWITCHBOARD_TOKEN": "wrong"},
                                           port=self.bridge.port))
        self.assertEqual(status, 5)
        self.assertEqual(err, "switchboard-bus: refused by the bridge: invalid_token\n")

    def test_publish_reads_the_message_from_stdin(self):
        status, out, err = self.finish(bus("publish", "news", env=self.env, port=self.bridge.port), '{"n": 1}\n')
        self.assertEqual((status, err), (0, ""))
        frame = self.bridge.expect(lambda f: f.get("type") == "publish", "publish")
        self.assertEqual((frame["address"], frame["body"]), ("news", {"n": 1}))

    def test_listen_prints_each_message(self):
        process = bus("listen", "udp.datagrams", env=self.env, port=self.bridge.port)
        self.bridge.expect_register("udp.datagrams")
        for n in range(2):
            self.bridge.send({"type": "message", "address": "udp.datagrams", "body": {"n": n}})
        lines = [process.stdout.readline() for _ in range(2)]
        self.assertEqual([json.loads(line) for line in lines], [{"n": 0}, {"n": 1}])
        process.terminate()
        self.assertEqual(process.wait(WAIT), 0)
        process.stdout.close()
        process.stderr.close()
        process.stdin.close()

    def test_bad_json_and_an_unreachable_bridge(self):
        status, out, err = self.finish(bus("send", "x", "{nope", port=self.bridge.port))
        self.assertEqual(status, 2)
        self.assertIn("the message must be JSON: {nope", err.splitlines()[-1])
        status, out, err = self.finish(bus("send", "x", "{}", port=free_port()))
        self.assertEqual(status, 4)
        self.assertTrue(err.startswith("switchboard-bus: no bridge reachable"), err)
        self.assertEqual(len(err.splitlines()), 1)


if __name__ == "__main__":
    unittest.main()
