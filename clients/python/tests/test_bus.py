import socket
import threading
import time
import unittest

from switchboard.bus import BusClient
from switchboard.frames import FrameReader
from tests.fakebridge import WAIT, FakeBridge


class TokenTest(unittest.TestCase):
    def client_and_bridge_end(self, token):
        """A client whose socket is one end of a socket pair; the other end reads what it sends, as the bridge would."""
        left, right = socket.socketpair()
        self.addCleanup(left.close)
        self.addCleanup(right.close)
        right.settimeout(5)
        client = BusClient("127.0.0.1", 0, token=token)
        client._sock = left
        return client, FrameReader(right)

    def test_token_on_every_frame(self):
        client, bridge = self.client_and_bridge_end("s3cret")
        client.register("wsgi.app", lambda message: None)
        client.send("echo.request", {"a": 1}, headers={"x": "y"})
        client.publish("news", "hi")
        client._write({"type": "ping"})
        client.unregister("wsgi.app")
        frames = [bridge.read() for _ in range(5)]
        self.assertEqual([f["type"] for f in frames], ["register", "send", "publish", "ping", "unregister"])
        for frame in frames:
            self.assertEqual(frame["headers"]["token"], "s3cret")
        self.assertEqual(frames[1]["headers"]["x"], "y")

    def test_no_token_no_header(self):
        client, bridge = self.client_and_bridge_end(None)
        client._write({"type": "ping"})
        self.assertEqual(bridge.read(), {"type": "ping"})


class OutboxTest(unittest.TestCase):
    def test_frames_from_many_threads_all_arrive_each_thread_in_order(self):
        """Writers that find another thread sending leave their frames to it: none is lost, none overtakes."""
        left, right = socket.socketpair()
        self.addCleanup(left.close)
        self.addCleanup(right.close)
        right.settimeout(5)
        client = BusClient("127.0.0.1", 0)
        client._sock = left
        writers, frames_each = 8, 200

        def write(writer):
            for seq in range(frames_each):
                client.send("a", {"writer": writer, "seq": seq})

        threads = [threading.Thread(target=write, args=(w,), daemon=True) for w in range(writers)]
        for thread in threads:
            thread.start()
        bridge = FrameReader(right)
        seen = {w: [] for w in range(writers)}
        for _ in range(writers * frames_each):
            body = bridge.read()["body"]
            seen[body["writer"]].append(body["seq"])
        self.assertEqual(seen, {w: list(range(frames_each)) for w in range(writers)})


class SyncTest(unittest.TestCase):
    def setUp(self):
        self.bridge = FakeBridge()
        self.addCleanup(self.bridge.close)
        self.client = BusClient("127.0.0.1", self.bridge.port, ping_interval=3600).connect()
        self.addCleanup(self.client.close)

    def test_a_refusal_read_before_sync_is_still_reported(self):
        """The register's err frame can overtake the ping sync() sends: it is reported all the same, and only once."""
        self.client.register("secret.admin", lambda message: None)
        self.bridge.expect_register("secret.admin")
        self.bridge.send({"type": "err", "message": "blocked by bridgeEvent handler"})
        with self.client._answers:  # the reader has counted the refusal before sync() is called
            self.assertTrue(self.client._answers.wait_for(lambda: self.client.errors, WAIT))
        self.assertEqual(self.client.sync(WAIT), ["blocked by bridgeEvent handler"])
        self.assertEqual(self.client.sync(WAIT), [])

    def test_nothing_refused_waits_for_the_pong(self):
        self.client.send("echo.request", {})
        self.assertEqual(self.client.sync(WAIT), [])
        self.assertEqual(self.bridge.expect(lambda f: True, "send")["type"], "send")
        self.assertEqual(self.bridge.expect(lambda f: True, "ping")["type"], "ping")


class CloseTest(unittest.TestCase):
    def test_reader_done_before_the_socket_is_released(self):
        """close() returns once the reader thread has stopped: its descriptor cannot go to the next socket under it."""
        left, right = socket.socketpair()
        self.addCleanup(right.close)
        client = BusClient("127.0.0.1", 0)
        client._sock = left
        client._reader = FrameReader(left)
        client._reader_thread = threading.Thread(target=client._read_loop, daemon=True)
        client._reader_thread.start()
        time.sleep(0.1)  # the reader is blocked in recv
        client.close()
        self.assertFalse(client._reader_thread.is_alive())
        self.assertEqual(left.fileno(), -1)


if __name__ == "__main__":
    unittest.main()
