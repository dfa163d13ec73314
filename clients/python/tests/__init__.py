"""The Python client's tests (python3 -m unittest discover -s tests -t .)."""

import faulthandler

# A test that hangs must fail the build, not hold it: five minutes after the tests are loaded (the whole run takes
# seconds), every thread's traceback is printed and the process ends with status 1.
faulthandler.dump_traceback_later(300, exit=True)
