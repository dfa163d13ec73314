"""The WSGI application both gunicorn and the Switchboard gateway (through the Python adapter) serve in the benchmark."""

BODY = b"Hello, world!"


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(BODY)))])
    return [BODY]
