"""A fake bridge speaking the framing of docs/bridge-protocol.md, for tests that need no gateway."""

import queue
import socket
import threading
import time

from switchboard.frames import FrameError, FrameReader, encode

WAIT = 10.0  # the bound of every wait: generous, since four builds may share this machine's two cores


class FakeBridge:
    """Accepts connections on loopback, queues every frame it reads, answers pings, sends frames on its newest connection."""

    def __init__(self, port=0, token=None, tls=None):
        self.tls = tls  # an ssl.SSLContext for the server side: a TLS bridge
        self.token = token  # with a token, frames without it are refused with invalid_token, as the bridge does
        self.listener = socket.create_server(("127.0.0.1", port))  # SO_REUSEADDR: the port can be opened again
        self.port = self.listener.getsockname()[1]
        self.address = ("127.0.0.1", self.port)
        self.frames = queue.Queue()
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn):
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except OSError:  # the client refused the certificate
                conn.close()
                return
        self.connections.append(conn)
        reader = FrameReader(conn)
        try:
            while True:
                frame = reader.read()
                self.frames.put(frame)
                if self.token is not None and (frame.get("headers") or {}).get("token") != self.token:
                    conn.sendall(encode({"type": "err", "message": "invalid_token"}))
                elif frame.get("type") == "ping":
                    conn.sendall(encode({"type": "pong"}))
        except (OSError, FrameError):
            pass

    def send(self, frame):
        self.connections[-1].sendall(encode(frame))

    def expect(self, predicate, what):
        """The next frame that satisfies predicate, skipping the others; fails after WAIT seconds."""
        deadline = time.monotonic() + WAIT
        while True:
            try:
                frame = self.frames.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError("bridge %s: no %s within %s s" % (self.port, what, WAIT)) from None
            if predicate(frame):
                return frame

    def expect_register(self, address):
        return self.expect(lambda f: f.get("type") == "register" and f.get("address") == address,
                           "register of " + address)

    def request(self, reply_address, path):
        """A request on the newest connection, as the gateway sends it to wsgi.app."""
        self.send({"type": "message", "address": "wsgi.app", "replyAddress": reply_address,
                   "body": {"environ": {"REQUEST_METHOD": "GET", "PATH_INFO": path}}})

    def reply_to(self, reply_address, what="reply"):
        """The next reply (or failure) the adapter sends to reply_address."""
        return self.expect(lambda f: f.get("type") == "send" and f.get("address") == reply_address, what)

    def stop_accepting(self):
        """No new connections (refused); the open ones go on."""
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()

    def close(self):
        """As a bridge whose node stops: no more connections, the open ones closed."""
        for sock in [self.listener] + self.connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


def free_port():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]
