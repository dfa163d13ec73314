"""Loads a WSGI application from a gunicorn-style spec: `module`, `module:app`, `module:create_app()` or
`module:create_app('x', debug=True)` (a factory called with literal arguments only: parsed with ast, never evaluated)."""

import ast
import importlib
import os
import sys


class AppSpecError(Exception):
    """The spec is malformed, or names a module or attribute that does not exist: a one-line message."""


def parse(spec):
    """(module, attribute path, call arguments or None); raises AppSpecError."""
    module, _, expression = spec.partition(":")
    if not module or not all(part.isidentifier() for part in module.split(".")):
        raise AppSpecError("%r is not MODULE[:APP] (e.g. myapp:application or myapp:create_app())" % spec)
    try:
        node = ast.parse(expression.strip() or "application", mode="eval").body
    except SyntaxError:
        raise AppSpecError("%r: %r is not an attribute or a factory call" % (spec, expression)) from None
    call = None
    if isinstance(node, ast.Call):
        try:
            call = ([ast.literal_eval(arg) for arg in node.args],
                    {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords if kw.arg is not None})
        except ValueError:
            raise AppSpecError("%r: a factory takes literal arguments only (strings, numbers, True, None, ...)"
                               % spec) from None
        if any(kw.arg is None for kw in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
            raise AppSpecError("%r: a factory takes literal arguments only, no * or **" % spec)
        node = node.func
    path = []
    while isinstance(node, ast.Attribute):
        path.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise AppSpecError("%r: %r is not an attribute or a factory call" % (spec, expression))
    path.insert(0, node.id)
    return module, path, call


def load(spec):
    """The application the spec names, imported from the working directory first (as gunicorn does)."""
    module_name, path, call = parse(spec)
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        target = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and (module_name == e.name or module_name.startswith(e.name + ".")):
            raise AppSpecError("no module named %r (from %r; working directory %s)"
                               % (module_name, spec, os.getcwd())) from None
        raise AppSpecError("module %r cannot be imported: %s" % (module_name, e)) from None
    for depth, name in enumerate(path):
        if not hasattr(target, name):
            raise AppSpecError("module %r has no attribute %r" % (module_name, ".".join(path[:depth + 1])))
        target = getattr(target, name)
    if call is not None:
        if not callable(target):
            raise AppSpecError("%r: %s is not callable" % (spec, ".".join(path)))
        args, kwargs = call
        target = target(*args, **kwargs)
    if not callable(target):
        raise AppSpecError("%r is a %s, not a WSGI application (a callable)" % (spec, type(target).__name__))
    return target
