"""build_backend.py, the standard-library PEP 517 backend: a wheel pip accepts, and an sdist."""

import base64
import csv
import hashlib
import io
import os
import sys
import tarfile
import tempfile
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import build_backend  # noqa: E402  (beside pyproject.toml, as backend-path says)


class BuildBackendTest(unittest.TestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.out = directory.name

    def test_the_wheel_holds_the_package_metadata_scripts_and_a_true_record(self):
        name = build_backend.build_wheel(self.out)
        self.assertEqual(name, "switchboard_client-0.1.0-py3-none-any.whl")
        with zipfile.ZipFile(os.path.join(self.out, name)) as wheel:
            names = wheel.namelist()
            for module in ["__init__", "bus", "frames", "wsgi", "bodies", "credit", "arbiter", "appspec", "options",
                           "buscli"]:
                self.assertIn("switchboard/%s.py" % module, names)
            self.assertFalse([n for n in names if "__pycache__" in n or n.startswith("tests/")], names)
            info = "switchboard_client-0.1.0.dist-info/"
            metadata = wheel.read(info + "METADATA").decode()
            self.assertIn("Name: switchboard-client\n", metadata)
            self.assertIn("Version: 0.1.0\n", metadata)
            self.assertIn("Root-Is-Purelib: true", wheel.read(info + "WHEEL").decode())
            scripts = wheel.read(info + "entry_points.txt").decode()
            self.assertIn("switchboard-wsgi = switchboard.wsgi:main", scripts)
            self.assertIn("switchboard-bus = switchboard.buscli:main", scripts)
            record = list(csv.reader(io.StringIO(wheel.read(info + "RECORD").decode())))
            self.assertEqual(sorted(row[0] for row in record), sorted(names))
            for path, digest, size in record:
                if path == info + "RECORD":
                    self.assertEqual((digest, size), ("", ""))
                    continue
                data = wheel.read(path)
                expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                self.assertEqual((digest, int(size)), ("sha256=" + expected, len(data)), path)

    def test_prepared_metadata_is_the_wheels(self):
        info = build_backend.prepare_metadata_for_build_wheel(self.out)
        self.assertEqual(info, "switchboard_client-0.1.0.dist-info")
        with open(os.path.join(self.out, info, "METADATA")) as f:
            self.assertIn("Name: switchboard-client", f.read())

    def test_the_sdist_can_build_again(self):
        name = build_backend.build_sdist(self.out)
        with tarfile.open(os.path.join(self.out, name)) as sdist:
            names = sdist.getnames()
        for path in ["pyproject.toml", "build_backend.py", "PKG-INFO", "switchboard/wsgi.py"]:
            self.assertIn("switchboard_client-0.1.0/" + path, names)

    def test_the_fallback_toml_reader_reads_pyproject(self):
        with open(os.path.join(build_backend.ROOT, "pyproject.toml")) as f:
            project = build_backend._parse_simple_toml(f.read())["project"]
        self.assertEqual((project["name"], project["version"]), ("switchboard-client", "0.1.0"))
        self.assertEqual(project["scripts"]["switchboard-bus"], "switchboard.buscli:main")


if __name__ == "__main__":
    unittest.main()
