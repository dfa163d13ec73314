import json
import socket
import struct
import threading
import unittest

from switchboard.frames import FrameError, FrameReader, encode


class CountingSocket:
    """Hands out its bytes as a socket would, as many as asked for, and counts the calls."""

    def __init__(self, data):
        self.data = data
        self.calls = 0

    def recv(self, n):
        self.calls += 1
        chunk, self.data = self.data[:n], self.data[n:]
        return chunk


class FrameReaderTest(unittest.TestCase):
    def reader_over(self, data, chunk_size, max_frame=1024):
        """A reader on one end of a socket pair; the other end sends data in pieces of chunk_size bytes."""
        left, right = socket.socketpair()
        self.addCleanup(left.close)
        self.addCleanup(right.close)

        def feed():
            try:
                for i in range(0, len(data), chunk_size):
                    right.sendall(data[i:i + chunk_size])
                right.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the test has read what it wanted and closed the socket

        threading.Thread(target=feed, daemon=True).start()
        left.settimeout(5)
        return FrameReader(left, max_frame)

    def test_frames_split_one_byte_at_a_time(self):
        stream = encode({"type": "ping"}) + encode({"type": "message", "body": {"x": "é"}}) + encode({})
        reader = self.reader_over(stream, 1)
        self.assertEqual(reader.read(), {"type": "ping"})
        self.assertEqual(reader.read(), {"type": "message", "body": {"x": "é"}})
        self.assertEqual(reader.read(), {})

    def test_many_frames_in_one_chunk_and_a_header_split(self):
        stream = b"".join(encode({"n": n}) for n in range(50))
        reader = self.reader_over(stream, 7)
        self.assertEqual([reader.read()["n"] for _ in range(50)], list(range(50)))

    def test_frames_that_arrive_together_take_one_recv(self):
        stream = b"".join(encode({"n": n}) for n in range(20))
        sock = CountingSocket(stream)
        reader = FrameReader(sock)
        self.assertEqual([reader.read()["n"] for _ in range(20)], list(range(20)))
        self.assertEqual(sock.calls, 1)

    def test_oversized_frame_is_refused_from_its_header(self):
        reader = self.reader_over(struct.pack(">I", 10_000), 4, max_frame=1024)
        with self.assertRaises(FrameError) as caught:
            reader.read()
        self.assertIn("over the limit of 1024", str(caught.exception))

    def test_garbage_is_refused(self):
        garbage = b"\xff\xfe not json"
        reader = self.reader_over(struct.pack(">I", len(garbage)) + garbage, 3)
        with self.assertRaises(FrameError):
            reader.read()
        reader = self.reader_over(encode([1, 2]), 3)
        with self.assertRaises(FrameError):
            reader.read()

    def test_connection_closed_mid_frame(self):
        frame = encode({"type": "ping"})
        reader = self.reader_over(frame[:-2], 2)
        with self.assertRaises(ConnectionError):
            reader.read()

    def test_encode_is_length_then_utf8_json(self):
        frame = encode({"a": "ü"})
        (length,) = struct.unpack(">I", frame[:4])
        self.assertEqual(length, len(frame) - 4)
        self.assertEqual(json.loads(frame[4:].decode("utf-8")), {"a": "ü"})


if __name__ == "__main__":
    unittest.main()
