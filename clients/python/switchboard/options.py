"""The bridge options both command-line tools take: --bridge, the token (--token, --token-file or SWITCHBOARD_TOKEN)
and TLS (--tls, --cafile, --insecure)."""

import os
import ssl

from .bus import parse_bridges

TOKEN_ENV = "SWITCHBOARD_TOKEN"


def add_bridge_options(parser):
    parser.add_argument("--bridge", action="append", metavar="HOST:PORT[,HOST:PORT...]",
                        help="the event-bus bridge (default 127.0.0.1:7070); several, comma-separated or with the "
                             "option repeated: the first reachable, then the next when it is lost")
    parser.add_argument("--token", default=None,
                        help="the bridge's token (visible to ps: prefer --token-file or %s)" % TOKEN_ENV)
    parser.add_argument("--token-file", default=None, metavar="PATH",
                        help="read the bridge's token from this file (surrounding whitespace removed)")
    parser.add_argument("--tls", action="store_true", help="the bridge speaks TLS (bridge.tls.*)")
    parser.add_argument("--cafile", default=None, metavar="PEM",
                        help="trust the bridge certificates signed by these CAs (implies --tls; default: the system's)")
    parser.add_argument("--insecure", action="store_true",
                        help="with --tls, accept any certificate and host name (tests only)")


def bridge_settings(args, parser):
    """(bridges, token, ssl_context) from the parsed options; bad values end with parser.error (exit 2, one line)."""
    try:
        bridges = parse_bridges(args.bridge or ["127.0.0.1:7070"])
    except ValueError as e:
        parser.error(str(e))
    if args.token is not None and args.token_file is not None:
        parser.error("give --token or --token-file, not both")
    token = args.token
    if args.token_file is not None:
        try:
            with open(args.token_file, encoding="utf-8") as f:
                token = f.read().strip()
        except OSError as e:
            parser.error("cannot read --token-file: %s" % (e.strerror or e))
        if not token:
            parser.error("--token-file %s is empty" % args.token_file)
    if token is None:
        token = os.environ.get(TOKEN_ENV) or None
    context = None
    if args.tls or args.cafile or args.insecure:
        try:
            context = ssl.create_default_context(cafile=args.cafile)
        except (OSError, ssl.SSLError) as e:
            parser.error("cannot load --cafile %s: %s" % (args.cafile, getattr(e, "strerror", None) or e))
        if args.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
    return bridges, token, context
