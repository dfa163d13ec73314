"""A streamed response leaves chunk by chunk as the application yields it, coalesced only while credit is short.

The fake bridge plays the gateway's part of docs/wsgi-over-bus.md: it sends the request, starts the stream with
credit, and records when each data message arrives."""

import base64
import threading
import time
import unittest

from switchboard.wsgi import WsgiServer
from tests.fakebridge import WAIT, FakeBridge


class StreamingTest(unittest.TestCase):
    def setUp(self):
        self.bridge = FakeBridge()
        self.addCleanup(self.bridge.close)

    def serve(self, app, **options):
        server = WsgiServer(app, "app", bridges=[self.bridge.address], threads=2, **options)
        server.start()
        self.addCleanup(server.stop)
        self.bridge.expect_register("wsgi.app")

    def start_stream(self, credit):
        """Sends the request; returns the stream address of the reply, started with the given credit."""
        self.bridge.request("reply.1", "/")
        reply = self.bridge.expect(lambda f: f.get("type") == "send" and f.get("address") == "reply.1", "reply")
        stream = reply["body"]["stream"]
        self.bridge.send({"type": "message", "address": stream,
                          "body": {"type": "start", "address": "gw.1", "credit": credit}})
        return stream

    def next_data(self):
        frame = self.bridge.expect(lambda f: f.get("address") == "gw.1", "stream message")
        self.assertEqual(frame["body"]["type"], "data", frame)
        return base64.b64decode(frame["body"]["data"])

    def test_chunks_yielded_every_50_ms_arrive_spread_out(self):
        """25-byte chunks every 50 ms: each reaches the gateway as it is yielded, not all at the end."""
        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            for n in range(10):
                if n:
                    time.sleep(0.05)  # the application's pace, not a synchronization
                yield b"%025d" % n

        self.serve(app)
        self.start_stream(credit=16)
        arrivals, body = [], b""
        while len(body) < 250:
            body += self.next_data()
            arrivals.append(time.monotonic())
        self.assertEqual(body, b"".join(b"%025d" % n for n in range(10)))
        self.assertEqual(self.bridge.expect(lambda f: f.get("address") == "gw.1", "end")["body"]["type"], "end")
        # Held until the end, they would come in one or two messages within a few ms; sent as yielded, in at least
        # eight, spread over most of the 450 ms the generator takes.
        self.assertGreaterEqual(len(arrivals), 8, arrivals)
        self.assertGreater(arrivals[-1] - arrivals[0], 0.3, arrivals)

    def test_the_first_chunk_leaves_before_the_second_and_what_waits_for_credit_leaves_coalesced(self):
        """The first chunk leaves although the generator has not yielded again; then, with no credit left, written
        chunks wait, and the next credit sends all of them in one data message."""
        more, waiting, done = threading.Event(), threading.Event(), threading.Event()

        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            yield b"a"
            more.wait(WAIT)  # until the gateway has "a": held for a second chunk, it would never come
            yield b"b"
            yield b"c"
            yield b"d"
            waiting.set()
            done.wait(WAIT)

        self.serve(app)
        stream = self.start_stream(credit=1)
        self.assertEqual(self.next_data(), b"a")
        more.set()
        self.assertTrue(waiting.wait(WAIT), "the application blocked although only a few bytes wait")
        self.bridge.send({"type": "message", "address": stream, "body": {"type": "credit", "credit": 1}})
        self.assertEqual(self.next_data(), b"bcd")
        done.set()
        self.assertEqual(self.bridge.expect(lambda f: f.get("address") == "gw.1", "end")["body"]["type"], "end")

    def test_a_generator_of_one_chunk_is_one_reply(self):
        """A generator that ends right after its only chunk (as a framework's response often is) goes back whole."""
        def app(environ, start_response):
            start_response("200 OK", [])
            yield b"only"

        self.serve(app, flush_delay=WAIT)  # the end comes first however loaded the machine is
        self.bridge.request("reply.1", "/")
        reply = self.bridge.expect(lambda f: f.get("type") == "send" and f.get("address") == "reply.1", "reply")
        self.assertEqual(base64.b64decode(reply["body"]["body"]), b"only")

    def test_a_list_body_is_one_reply(self):
        """Chunks of a list are all there already: they go back whole, not as a stream."""
        self.serve(lambda environ, start_response: start_response("200 OK", []) and [b"x", b"y"])
        self.bridge.request("reply.1", "/")
        reply = self.bridge.expect(lambda f: f.get("type") == "send" and f.get("address") == "reply.1", "reply")
        self.assertEqual(base64.b64decode(reply["body"]["body"]), b"xy")


class StreamingInputTest(unittest.TestCase):
    """wsgi.input of a streamed request body: the fake bridge plays the gateway, sending chunks against credit."""

    def setUp(self):
        self.bridge = FakeBridge()
        self.addCleanup(self.bridge.close)

        def app(environ, start_response):
            try:
                body, status = environ["wsgi.input"].read(), "200 OK"
            except IOError as e:
                body, status = str(e).encode(), "400 Bad Request"
            start_response(status, [])
            return [body]

        server = WsgiServer(app, "app", bridges=[self.bridge.address], threads=2)
        server.start()
        self.addCleanup(server.stop)
        self.bridge.expect_register("wsgi.app")
        self.bridge.send({"type": "message", "address": "wsgi.app", "replyAddress": "reply.1",
                          "body": {"environ": {"REQUEST_METHOD": "PUT", "PATH_INFO": "/"}, "bodyStream": "gw.body"}})

    def credit(self):
        return self.bridge.expect(lambda f: f.get("address") == "gw.body", "credit")["body"]

    def chunk(self, address, seq, data):
        self.bridge.send({"type": "message", "address": address,
                          "body": {"type": "data", "seq": seq, "data": base64.b64encode(data).decode("ascii")}})

    def test_the_body_is_read_with_credit(self):
        """The first credit names where chunks go; each chunk taken gives one credit back; the end ends the body."""
        first = self.credit()
        self.assertEqual((first["type"], first["credit"]), ("credit", 4), first)
        self.chunk(first["address"], 0, b"abc")
        self.assertEqual(self.credit(), {"type": "credit", "credit": 1})
        self.chunk(first["address"], 1, b"def")
        self.assertEqual(self.credit(), {"type": "credit", "credit": 1})
        self.bridge.send({"type": "message", "address": first["address"], "body": {"type": "end"}})
        reply = self.bridge.reply_to("reply.1")["body"]
        self.assertEqual((reply["status"], base64.b64decode(reply["body"])), ("200 OK", b"abcdef"))

    def test_a_chunk_out_of_sequence_fails_the_read(self):
        """As the Java side does (docs/credit-stream/): the application's read raises, with the reason."""
        address = self.credit()["address"]
        self.chunk(address, 1, b"abc")
        reply = self.bridge.reply_to("reply.1")["body"]
        self.assertEqual((reply["status"], base64.b64decode(reply["body"])),
                         ("400 Bad Request", b"chunk 1 arrived where 0 was expected"))


if __name__ == "__main__":
    unittest.main()
