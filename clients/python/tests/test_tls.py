"""switchboard-wsgi and switchboard-bus to a TLS bridge: --cafile trusts it, --tls alone (the system's CAs) does not."""

import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import unittest

from tests.adapter import HERE, Adapter
from tests.fakebridge import WAIT, FakeBridge


@unittest.skipIf(shutil.which("openssl") is None, "openssl is not installed")
class TlsBridgeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp()
        cls.cert = os.path.join(cls.directory, "cert.pem")
        key = os.path.join(cls.directory, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout", key, "-out", cls.cert], check=True, capture_output=True, timeout=60)
        cls.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cls.context.load_cert_chain(cls.cert, key)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory)

    def setUp(self):
        self.bridge = FakeBridge(tls=self.context)
        self.addCleanup(self.bridge.close)

    def test_the_adapter_trusts_the_bridge_through_cafile(self):
        adapter = Adapter(self, "tests.factory:application", self.bridge, "--cafile", self.cert)
        adapter.wait_for("serving wsgi.app with")
        self.bridge.expect_register("wsgi.app")

    def test_an_unknown_certificate_fails_start_up_with_one_line(self):
        adapter = Adapter(self, "tests.factory:application", self.bridge, "--tls")
        self.assertEqual(adapter.exit_status(), 4)
        self.assertIn("CERTIFICATE_VERIFY_FAILED", adapter.lines[-1])
        self.assertTrue(adapter.lines[-1].startswith("switchboard-wsgi: no bridge reachable"), adapter.lines)

    def test_insecure_accepts_any_certificate(self):
        result = subprocess.run([sys.executable, "-m", "switchboard.buscli", "publish", "x", "{}", "--tls", "--insecure",
                                 "--bridge", "127.0.0.1:%d" % self.bridge.port], cwd=HERE, capture_output=True,
                                text=True, timeout=WAIT * 2)
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        self.assertEqual(self.bridge.expect(lambda f: f.get("type") == "publish", "publish")["address"], "x")


if __name__ == "__main__":
    unittest.main()
