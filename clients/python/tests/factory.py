"""Applications for the app-spec and supervision tests (test_appspec.py, test_supervision.py)."""

import os
import threading


def create_app(greeting="hello", debug=False):
    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/die":
            os._exit(7)  # the worker process dies mid-request
        if path == "/hang":
            threading.Event().wait(60)
        if path == "/pid":
            body = str(os.getpid()).encode("ascii")
        else:
            body = ("%s debug=%s" % (greeting, debug)).encode("ascii")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [body]
    return app


def file_app(environ, start_response):
    """Answers what the file $FACTORY_FILE held when this module was imported (to see SIGHUP load fresh code)."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [LOADED]


with open(os.environ["FACTORY_FILE"], "rb") if os.environ.get("FACTORY_FILE") else open(os.devnull, "rb") as _f:
    LOADED = _f.read()
if LOADED == b"die":
    os._exit(9)  # the worker process dies while it loads the application
if LOADED == b"broken":
    raise RuntimeError("this application cannot load (on purpose)")

application = create_app()
not_callable = 42
