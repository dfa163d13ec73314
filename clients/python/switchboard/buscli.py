"""switchboard-bus: the bus from the command line, through the TCP event-bus bridge (like `switchboard bus` in the jar).

    switchboard-bus request echo.request '{"hello":"bus"}'     # prints the reply
    switchboard-bus send udp.send '{"host":"127.0.0.1","port":9999,"data":"aGk="}'
    switchboard-bus publish some.address '{"n":1}'
    switchboard-bus listen udp.datagrams                        # one JSON line per message until stopped

The message is JSON, from the command line or else from stdin. Exit status: 0 done, 2 bad arguments, 3 no answer in
time, 4 cannot connect, 5 refused or failed by the far side.
"""

import argparse
import json
import logging
import signal
import sys
import threading

from .bus import BusClient, ReplyError
from .options import add_bridge_options, bridge_settings

USAGE, TIMEOUT, UNREACHABLE, REFUSED = 2, 3, 4, 5


class Failure(Exception):
    def __init__(self, status, text):
        super().__init__(text)
        self.status = status


def main(argv=None):
    parser = argparse.ArgumentParser(prog="switchboard-bus",
                                     description="Send, request, publish or listen on the Switchboard bus.",
                                     epilog="Exit status: 0 done, 2 bad arguments, 3 no answer in time, "
                                            "4 cannot connect, 5 refused or failed by the far side.")
    parser.add_argument("action", choices=["send", "request", "publish", "listen"])
    parser.add_argument("address")
    parser.add_argument("message", nargs="?", help="JSON (default: read from stdin); not for listen")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for a reply (default 5)")
    add_bridge_options(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="switchboard-bus: %(message)s")
    bridges, token, context = bridge_settings(args, parser)
    body = None
    if args.action != "listen":
        text = args.message if args.message is not None else sys.stdin.read().strip()
        try:
            body = json.loads(text)
        except ValueError:
            parser.error("the message must be JSON: %s" % text)
    elif args.message is not None:
        parser.error("listen takes no message")
    try:
        _run(args, body, BusClient(token=token, bridges=bridges, ssl_context=context))
    except Failure as e:
        print("switchboard-bus: %s" % e, file=sys.stderr)
        sys.exit(e.status)


def _run(args, body, bus):
    stop = threading.Event()  # listen: until SIGTERM or SIGINT, which may come as soon as a message has been printed
    if args.action == "listen":
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    try:
        bus.connect()
    except OSError as e:
        raise Failure(UNREACHABLE, str(e))
    try:
        if args.action == "request":
            try:
                print(json.dumps(bus.request(args.address, body, timeout=args.timeout)))
            except ReplyError as e:
                raise Failure(TIMEOUT if e.failure_type == "TIMEOUT" else REFUSED,
                              "%s: %s" % (args.address, e))
            return
        if args.action == "listen":
            bus.register(args.address, lambda message: _print_line(message.body))
            _check(bus, args.timeout)
            stop.wait()
            return
        (bus.send if args.action == "send" else bus.publish)(args.address, body)
        _check(bus, args.timeout)
    finally:
        bus.close()


def _print_line(body):
    sys.stdout.write(json.dumps(body) + "\n")
    sys.stdout.flush()


def _check(bus, timeout):
    """The bridge acted on what was sent: a refusal (allow-list, token) is an err frame before the pong."""
    try:
        errors = bus.sync(timeout)
    except TimeoutError as e:
        raise Failure(TIMEOUT, str(e))
    except OSError as e:
        raise Failure(UNREACHABLE, str(e))
    if errors:
        raise Failure(REFUSED, "refused by the bridge: %s" % ", ".join(errors))


if __name__ == "__main__":
    main()
