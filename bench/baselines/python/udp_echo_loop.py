"""Baseline: the plain blocking UDP echo loop of every socket tutorial (recvfrom, sendto).

Usage: python3 udp_echo_loop.py PORT   (listens on 127.0.0.1)
"""
import socket
import sys


def main(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    print("ready", flush=True)
    while True:
        data, addr = sock.recvfrom(65535)
        sock.sendto(data, addr)


if __name__ == "__main__":
    main(int(sys.argv[1]))
