"""Switchboard clients for Python 3, standard library only.

- ``switchboard.bus``: a client of Switchboard's TCP event-bus bridge.
- ``switchboard.wsgi``: serves a PEP 3333 application behind the Switchboard gateway.
"""

__version__ = "0.1.0"
