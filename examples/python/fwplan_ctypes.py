#!/usr/bin/env python3
"""Plan a Cisco phone's firmware chain and write the configs for every step, through
fwplan's C API (libfwplan_c.so) and nothing but Python's standard library.

This is the part a provisioning tool written in Python copies: load the library with
ctypes, declare each function's argument and result types, call it, turn a failure into an
exception, and give every string fwplan returns back to fwplan_string_free.

    python3 fwplan_ctypes.py                         # the 7941 of fwplan's README
    python3 fwplan_ctypes.py --model 7960 --from P0S3-05-3-00 --mac 0080.41ae.fd7e \\
        --server 192.168.178.1 --line 620 --out /srv/tftp-staging

The library is found through --library, then $FWPLAN_C_LIBRARY, then the system's usual
places (ctypes.util.find_library, libfwplan_c.so.0). A line's password is read from
$FWPLAN_LINE_PASSWORD, never from the command line, where other users can see it.
"""
import argparse
import ctypes
import ctypes.util
import json
import os
import sys
from pathlib import Path

# fwplan_status: the same numbers as the fwplan CLI's exit codes.
OK, NOT_POSSIBLE, USAGE, BAD_INPUT, IO, INTERNAL = range(6)

_str = ctypes.c_char_p                    # const char* argument (bytes or None)
_out = ctypes.POINTER(ctypes.c_void_p)    # char** / fwplan_error** / fwplan_planner**: outputs
_strs = ctypes.POINTER(ctypes.c_char_p)   # const char* const*


class FwplanError(Exception):
    """A failed call: status, stable code (fwplan.plan.below-floor), message and hint."""

    def __init__(self, status, code, message, hint):
        super().__init__(message)
        self.status, self.code, self.message, self.hint = status, code, message, hint


def load_library(path=None):
    """Opens libfwplan_c and declares the functions this example uses."""
    # A path the user gave is the only one tried: loading another fwplan would surprise.
    chosen = path or os.environ.get("FWPLAN_C_LIBRARY")
    candidates = [chosen] if chosen else [ctypes.util.find_library("fwplan_c"),
                                          "libfwplan_c.so.0", "libfwplan_c.so"]
    errors = []
    for candidate in filter(None, candidates):
        try:
            lib = ctypes.CDLL(candidate)
            break
        except OSError as e:
            errors.append(str(e))
    else:
        raise OSError("cannot load libfwplan_c: " + "; ".join(errors or ["not found"]))

    def declare(name, restype, *argtypes):
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, list(argtypes)

    declare("fwplan_version", _str)
    declare("fwplan_string_free", None, ctypes.c_void_p)
    for accessor in ("code", "message", "hint"):
        declare("fwplan_error_" + accessor, _str, ctypes.c_void_p)  # owned by the error: copied
    declare("fwplan_error_free", None, ctypes.c_void_p)
    declare("fwplan_inspect", ctypes.c_int, _str, _out, _out)
    declare("fwplan_planner_new", ctypes.c_int, _strs, ctypes.c_size_t, _strs, ctypes.c_size_t,
            _out, _out)
    declare("fwplan_planner_free", None, ctypes.c_void_p)
    declare("fwplan_plan", ctypes.c_int, ctypes.c_void_p, _str, _str, _str, _str, _str, _out, _out)
    declare("fwplan_render_config", ctypes.c_int, _str, _str, _str, _str, _str, _out, _out, _out)
    declare("fwplan_step_files", ctypes.c_int, _str, _str, _str, _str, _str, _out, _out)
    return lib


def _bytes(text):
    return None if text is None else str(text).encode("utf-8")


class Fwplan:
    """Python calls over the C API: strings in, JSON documents out as dicts."""

    def __init__(self, lib):
        self.lib = lib

    def version(self):
        return self.lib.fwplan_version().decode()

    def _call(self, function, *args):
        """Calls a function whose last argument is fwplan_error**; raises on failure."""
        error = ctypes.c_void_p()
        status = function(*args, ctypes.byref(error))
        if status != OK:
            code, message, hint = (
                getattr(self.lib, "fwplan_error_" + part)(error).decode("utf-8", "replace")
                for part in ("code", "message", "hint"))
            self.lib.fwplan_error_free(error)
            raise FwplanError(status, code, message, hint)

    def _take(self, pointer):
        """The bytes of a string fwplan returned; fwplan's copy is freed."""
        data = ctypes.string_at(pointer)
        self.lib.fwplan_string_free(pointer)
        return data

    def inspect(self, path):
        out = ctypes.c_void_p()
        self._call(self.lib.fwplan_inspect, _bytes(path), ctypes.byref(out))
        return json.loads(self._take(out))

    def planner(self, catalogs=(), firmware=()):
        return Planner(self, catalogs, firmware)

    def render_config(self, model, mac, load, template=None, settings=None):
        """(file name, XML bytes) of the SEP<MAC>.cnf.xml for one step: the bytes to write,
        in the template's own encoding."""
        xml, name = ctypes.c_void_p(), ctypes.c_void_p()
        self._call(self.lib.fwplan_render_config, _bytes(template),
                   _bytes(json.dumps(settings or {})), _bytes(model), _bytes(mac), _bytes(load),
                   ctypes.byref(xml), ctypes.byref(name))
        return self._take(name).decode(), self._take(xml)

    def step_files(self, model, mac, load, template=None, settings=None):
        """{"files": [{"name", "shared", "content"}], "warnings": [...]} for one step."""
        out = ctypes.c_void_p()
        self._call(self.lib.fwplan_step_files, _bytes(template),
                   _bytes(json.dumps(settings or {})), _bytes(model), _bytes(mac), _bytes(load),
                   ctypes.byref(out))
        return json.loads(self._take(out))


class Planner:
    """An fwplan_planner; use it in a `with` block so it is freed."""

    def __init__(self, fwplan, catalogs, firmware):
        self.fwplan, self.handle = fwplan, ctypes.c_void_p()
        catalogs, firmware = [_bytes(p) for p in catalogs], [_bytes(p) for p in firmware]
        fwplan._call(fwplan.lib.fwplan_planner_new, (ctypes.c_char_p * len(catalogs))(*catalogs),
                     len(catalogs), (ctypes.c_char_p * len(firmware))(*firmware), len(firmware),
                     ctypes.byref(self.handle))

    def plan(self, model, from_load=None, to=None, to_protocol=None, hw_rev=None):
        out = ctypes.c_void_p()
        self.fwplan._call(self.fwplan.lib.fwplan_plan, self.handle, _bytes(model),
                          _bytes(from_load), _bytes(to), _bytes(to_protocol), _bytes(hw_rev),
                          ctypes.byref(out))
        return json.loads(self.fwplan._take(out))

    def close(self):
        self.fwplan.lib.fwplan_planner_free(self.handle)
        self.handle = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", help="path of libfwplan_c.so")
    parser.add_argument("--model", default="7941")
    parser.add_argument("--from", dest="from_load", default="SCCP41.8-3-1S",
                        help="the load the phone runs")
    parser.add_argument("--to-protocol", default="SIP")
    parser.add_argument("--mac", default="00:80:41:ae:fd:7e")
    parser.add_argument("--firmware", action="append", default=[], help="zips or folders you have")
    parser.add_argument("--template", help="your SEP<MAC>.cnf.xml template (default: built-in)")
    parser.add_argument("--server", default="", help="SIP registrar, for the built-in template")
    parser.add_argument("--line", help="the user the phone registers as")
    parser.add_argument("--out", type=Path, help="write each step's files to OUT/step-N/")
    args = parser.parse_args(argv)

    settings = {"server": args.server}
    if args.line:
        settings["lines"] = [{"name": args.line,
                              "auth_password": os.environ.get("FWPLAN_LINE_PASSWORD", "")}]
    try:
        fwplan = Fwplan(load_library(args.library))
    except OSError as e:
        print(f"fwplan_ctypes: {e}", file=sys.stderr)
        return IO
    print(f"fwplan {fwplan.version()}")
    try:
        with fwplan.planner(firmware=args.firmware) as planner:
            plan = planner.plan(args.model, args.from_load, to_protocol=args.to_protocol)
        count = len(plan["steps"])
        print(f"Plan for a {plan['model']}: {plan['from']} -> {plan['to']}, "
              f"{count} step{'' if count == 1 else 's'}")
        for step in plan["steps"]:
            where = step["available_in"] if step["available"] else "to download"
            rules = ", ".join(dict.fromkeys(rule["id"] for rule in step["rules"])) or "-"
            print(f"  {step['number']}. {step['load']}  {step['protocol']} {step['version']}  "
                  f"{step['package']} ({where})  rules: {rules}")
            files = fwplan.step_files(args.model, args.mac, step["load"], args.template, settings)
            for file in files["files"]:
                print(f"     {file['name']}: {len(file['content'].encode())} bytes")
                if args.out:
                    folder = args.out / f"step-{step['number']}"
                    folder.mkdir(parents=True, exist_ok=True)
                    (folder / file["name"]).write_bytes(file["content"].encode("utf-8"))
            for warning in files["warnings"]:
                print(f"     warning: {warning['message']} [{warning['code']}]")
    except FwplanError as e:
        print(f"fwplan: error: {e.message}", file=sys.stderr)
        if e.hint:
            print(f"fwplan: hint: {e.hint}", file=sys.stderr)
        return e.status
    return OK


if __name__ == "__main__":
    sys.exit(main())
