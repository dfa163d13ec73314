"""App specs like gunicorn's: module, module:app, module:factory() and module:factory('x', debug=True)."""

import os
import subprocess
import sys
import unittest

from switchboard import appspec
from switchboard.appspec import AppSpecError

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def call(app, path="/"):
    out = []
    body = app({"PATH_INFO": path}, lambda status, headers: out.append(status))
    return b"".join(body).decode("ascii")


class AppSpecTest(unittest.TestCase):
    def test_an_attribute_a_default_and_a_factory(self):
        self.assertEqual(call(appspec.load("tests.factory:application")), "hello debug=False")
        self.assertEqual(call(appspec.load("tests.factory")), "hello debug=False")  # "application" by default
        self.assertEqual(call(appspec.load("tests.factory:create_app()")), "hello debug=False")
        self.assertEqual(call(appspec.load("tests.factory:create_app('hi', debug=True)")), "hi debug=True")

    def test_only_literal_arguments(self):
        for spec in ["tests.factory:create_app(os.environ)", "tests.factory:create_app(*x)",
                     "tests.factory:create_app(**{'a': 1})", "tests.factory:create_app(__import__('os'))"]:
            with self.assertRaises(AppSpecError, msg=spec) as caught:
                appspec.load(spec)
            self.assertIn("literal arguments only", str(caught.exception))

    def test_malformed_specs(self):
        for spec in ["", ":app", "tests.factory:", "a b:app", "tests.factory:app(", "tests.factory:1+1",
                     "tests.factory:app()()"]:
            if spec == "tests.factory:":
                continue  # an empty attribute means "application", like gunicorn
            with self.assertRaises(AppSpecError, msg=spec):
                appspec.parse(spec)

    def test_missing_module_and_attribute(self):
        with self.assertRaisesRegex(AppSpecError, "no module named 'tests.nosuch'"):
            appspec.load("tests.nosuch:app")
        with self.assertRaisesRegex(AppSpecError, "module 'tests.factory' has no attribute 'nothing'"):
            appspec.load("tests.factory:nothing")
        with self.assertRaisesRegex(AppSpecError, "is a int, not a WSGI application"):
            appspec.load("tests.factory:not_callable")


class CommandLineSpecTest(unittest.TestCase):
    """switchboard-wsgi ends with one line and exit status 2, no traceback, for a spec it cannot load."""

    def run_adapter(self, spec):
        # No bridge is needed: the application is loaded before the worker connects.
        return subprocess.run([sys.executable, "-m", "switchboard.wsgi", spec, "--name", "x", "--bridge", "127.0.0.1:9"],
                              cwd=HERE, capture_output=True, text=True, timeout=30)

    def test_one_line_and_status_2(self):
        for spec, text in [("nosuchmodule:app", "no module named 'nosuchmodule'"),
                           ("tests.factory:nothing", "has no attribute 'nothing'"),
                           ("tests.factory:create_app(open('x'))", "literal arguments only"),
                           ("tests.factory:app(", "is not an attribute or a factory call")]:
            result = self.run_adapter(spec)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertNotIn("Traceback", result.stderr)
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            self.assertIn(text, lines[-1])
            self.assertTrue(all(line.startswith("usage:") or line.startswith("  ") for line in lines[:-1])
                            or len(lines) == 1, result.stderr)


if __name__ == "__main__":
    unittest.main()
