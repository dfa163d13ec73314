"""A PEP 517 build backend in the standard library only, so that `pip install ./clients/python` needs no download.

It builds what pyproject.toml's [project] table describes, for this tree only: the pure-Python package `switchboard`
into a py3-none-any wheel (with METADATA, WHEEL, entry_points.txt and a RECORD of sha256 hashes) and an sdist.
"""

import base64
import hashlib
import io
import os
import tarfile
import time
import zipfile

try:
    import tomllib
except ImportError:  # Python < 3.11: a fallback good enough for this file's own pyproject.toml
    tomllib = None

ROOT = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "switchboard"
SDIST_FILES = ["pyproject.toml", "build_backend.py"]
# Fixed timestamps make the same tree build the same bytes (1980 is the zip format's earliest date).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _project():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        text = f.read()
    if tomllib is not None:
        return tomllib.loads(text.decode("utf-8"))["project"]
    return _parse_simple_toml(text.decode("utf-8"))["project"]


def _parse_simple_toml(text):
    """Tables of `key = "string"`, `key = []` lines: all that pyproject.toml here uses."""
    tables, table = {}, None
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("["):
            table = tables
            for part in line.strip("[]").split("."):
                table = table.setdefault(part, {})
        elif "=" in line and table is not None:
            key, value = (s.strip() for s in line.split("=", 1))
            table[key] = value.strip('"') if value.startswith('"') else [] if value == "[]" else value
    return tables


def _dist_name(project):
    return project["name"].replace("-", "_")


def _dist_info(project):
    return "%s-%s.dist-info" % (_dist_name(project), project["version"])


def _metadata(project):
    lines = ["Metadata-Version: 2.1", "Name: " + project["name"], "Version: " + project["version"]]
    if project.get("description"):
        lines.append("Summary: " + project["description"])
    if project.get("requires-python"):
        lines.append("Requires-Python: " + project["requires-python"])
    return ("\n".join(lines) + "\n").encode("utf-8")


def _entry_points(project):
    scripts = project.get("scripts") or {}
    lines = ["[console_scripts]"] + ["%s = %s" % (name, target) for name, target in sorted(scripts.items())]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _wheel_file():
    return b"Wheel-Version: 1.0\nGenerator: switchboard build_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _package_files():
    """Paths relative to ROOT of the package's sources, sorted; no caches."""
    found = []
    for directory, dirs, files in os.walk(os.path.join(ROOT, PACKAGE)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                found.append(os.path.relpath(os.path.join(directory, name), ROOT).replace(os.sep, "/"))
    return found


def _dist_info_files(project):
    return {"METADATA": _metadata(project), "WHEEL": _wheel_file(), "entry_points.txt": _entry_points(project)}


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def _write_wheel(directory, project, contents):
    """contents: [(path in the wheel, bytes)]; adds the dist-info and the RECORD, returns the wheel's file name."""
    dist_info = _dist_info(project)
    contents = list(contents) + [(dist_info + "/" + name, data)
                                 for name, data in _dist_info_files(project).items()]
    record = [_record_line(path, data) for path, data in contents] + [dist_info + "/RECORD,,"]
    contents.append((dist_info + "/RECORD", ("\n".join(record) + "\n").encode("utf-8")))
    name = "%s-%s-py3-none-any.whl" % (_dist_name(project), project["version"])
    with zipfile.ZipFile(os.path.join(directory, name), "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in contents:
            info = zipfile.ZipInfo(path, ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
    return name


def _read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


# -- PEP 517 hooks ---------------------------------------------------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    project = _project()
    dist_info = os.path.join(metadata_directory, _dist_info(project))
    os.makedirs(dist_info, exist_ok=True)
    for name, data in _dist_info_files(project).items():
        with open(os.path.join(dist_info, name), "wb") as f:
            f.write(data)
    return os.path.basename(dist_info)


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, _project(), [(path, _read(path)) for path in _package_files()])


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """A wheel holding only a .pth file that puts this tree on sys.path (pip install -e)."""
    project = _project()
    return _write_wheel(wheel_directory, project, [(_dist_name(project) + ".pth", (ROOT + "\n").encode("utf-8"))])


def build_sdist(sdist_directory, config_settings=None):
    project = _project()
    base = "%s-%s" % (_dist_name(project), project["version"])
    name = base + ".tar.gz"
    files = SDIST_FILES + _package_files()
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as sdist:
        for path in files + ["PKG-INFO"]:
            data = _metadata(project) if path == "PKG-INFO" else _read(path)
            info = tarfile.TarInfo(base + "/" + path)
            info.size, info.mode, info.mtime = len(data), 0o644, int(time.mktime(ZIP_TIME + (0, 0, -1)))
            sdist.addfile(info, io.BytesIO(data))
    return name
