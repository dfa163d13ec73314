"""Switchboard clients for Python 3, standard library only.

- ``switchboard.bus``: a client of Switchboard's TCP event-bus bridge.
- ``switchboard.wsgi``: serves a PEP 3333 application behind the Switchboard gateway (its bodies:
  ``switchboard.bodies``, their credit-stream protocol: ``switchboard.credit``; its worker processes:
  ``switchboard.arbiter``; app specs: ``switchboard.appspec``).
- ``switchboard.buscli``: the ``switchboard-bus`` command.
"""

__version__ = "0.1.0"
