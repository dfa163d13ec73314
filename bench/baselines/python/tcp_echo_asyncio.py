"""Baseline: the classic asyncio TCP echo server (Protocol API, the fastest asyncio form).

Usage: python3 tcp_echo_asyncio.py PORT   (listens on 127.0.0.1)
"""
import asyncio
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)

    def eof_received(self):
        # Returning false closes the transport once the echo is written: the half-close is honoured.
        return False


async def main(port):
    server = await asyncio.get_running_loop().create_server(Echo, "127.0.0.1", port, backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
