"""Baseline: the classic `selectors` TCP echo server (one thread, non-blocking sockets, epoll underneath).

Echoes what it can send at once and keeps the rest per connection, reading no more from a connection while it has
unsent data, so a client that does not read cannot make it buffer without bound.

Usage: python3 tcp_echo_selectors.py PORT   (listens on 127.0.0.1)
"""
import selectors
import socket
import sys

sel = selectors.DefaultSelector()
pending = {}


def accept(server):
    while True:
        try:
            conn, _ = server.accept()
        except BlockingIOError:
            return
        conn.setblocking(False)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sel.register(conn, selectors.EVENT_READ, read)


def close(conn):
    sel.unregister(conn)
    pending.pop(conn, None)
    conn.close()


def read(conn):
    try:
        data = conn.recv(65536)
    except (BlockingIOError, InterruptedError):
        return
    except OSError:
        close(conn)
        return
    if not data:
        close(conn)
        return
    try:
        sent = conn.send(data)
    except BlockingIOError:
        sent = 0
    except OSError:
        close(conn)
        return
    if sent < len(data):
        pending[conn] = data[sent:]
        sel.modify(conn, selectors.EVENT_WRITE, write)


def write(conn):
    data = pending[conn]
    try:
        sent = conn.send(data)
    except BlockingIOError:
        return
    except OSError:
        close(conn)
        return
    if sent < len(data):
        pending[conn] = data[sent:]
    else:
        del pending[conn]
        sel.modify(conn, selectors.EVENT_READ, read)


def main(port):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(1024)
    server.setblocking(False)
    sel.register(server, selectors.EVENT_READ, accept)
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            key.data(key.fileobj)


if __name__ == "__main__":
    main(int(sys.argv[1]))
