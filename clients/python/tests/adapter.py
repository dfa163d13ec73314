"""switchboard-wsgi (python3 -m switchboard.wsgi) as a child process whose output the test can wait for."""

import os
import signal
import subprocess
import sys
import threading

from tests.fakebridge import WAIT

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Adapter:
    def __init__(self, test, spec, bridge, *options, env=None):
        self.lines = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "switchboard.wsgi", spec, "--name", "app", "--bridge", "127.0.0.1:%d" % bridge.port]
            + list(options), cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=dict(os.environ, **(env or {})))
        threading.Thread(target=self._read, daemon=True).start()
        test.addCleanup(self.stop)

    def _read(self):
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def wait_for(self, text, count=1, timeout=WAIT * 2):
        """The count-th line holding text; fails after timeout seconds."""
        def found():
            return [line for line in self.lines if text in line]
        with self._changed:
            if not self._changed.wait_for(lambda: len(found()) >= count, timeout):
                raise AssertionError("no %d lines with %r within %s s in:\n%s"
                                     % (count, text, timeout, "\n".join(self.lines)))
            return found()[count - 1]

    def exit_status(self, timeout=WAIT * 3):
        return self.process.wait(timeout)

    def signal(self, number):
        self.process.send_signal(number)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(WAIT * 3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
