"""custclass_ctypes -- a small ctypes binding of the custclass C ABI (abi/custclass.h, ABI 1).

The way a Python host (an Odoo or Tryton module) uses the plugin: load the shared library,
check what it is, negotiate the ABI minor version, open an engine, run, read JSON documents.
Standard library only.

Facts this binding is built around:
  * ctypes assumes an ``int`` return and guesses argument types: every function below has
    ``restype`` and ``argtypes`` set, or handles would be cut to 32 bits.
  * Handles are ``c_void_p``; the host never looks inside them.
  * Documents the plugin allocates (``char**`` outputs) are read through a ``c_void_p`` and
    released with ``custclass_free``: a ``c_char_p`` output would make ctypes copy the bytes and
    drop the pointer, and the memory would leak (the host must never ``free()`` it either).
  * ``const char*`` results that the plugin owns (names, messages) are ``c_char_p``: ctypes
    copies them, nothing is released.
  * Strings passed in are UTF-8 ``bytes``; the plugin copies them before the call returns.
"""

import ctypes
import json
import os

# The ABI version this binding was written against. A host must not call functions introduced
# after the minor version the plugin agrees to.
ABI_MAJOR = 1
ABI_MINOR = 0

# Status codes (enum custclass_status_code); fixed forever.
OK = 0
E_INVALID_ARGUMENT = -1
E_INVALID_HANDLE = -2
E_ABI_VERSION = -3
E_CONFIG = -4
E_DATABASE = -5
E_DATA = -6
E_IO = -7
E_NOT_FOUND = -8
E_CANCELLED = -9
E_PRIVACY = -10
E_NO_MEMORY = -11
E_INTERNAL = -12

# Log levels (enum custclass_log_level).
LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERROR = 0, 1, 2, 3

PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_char_p,
                               ctypes.c_uint64, ctypes.c_uint64)
LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int32, ctypes.c_char_p)


class PluginInfo(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("abi_major", ctypes.c_uint32),
        ("abi_minor", ctypes.c_uint32),
        ("pointer_size", ctypes.c_uint32),
        ("name", ctypes.c_char_p),
        ("version", ctypes.c_char_p),
        ("build_id", ctypes.c_char_p),
    ]


class OpenOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("base_dir", ctypes.c_char_p),
        ("data_dir", ctypes.c_char_p),
    ]


class RunOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("as_of", ctypes.c_char_p),
        ("dry_run", ctypes.c_int32),
        ("progress", PROGRESS_FN),
        ("log", LOG_FN),
        ("user", ctypes.c_void_p),
        ("actor", ctypes.c_char_p),
    ]


_c_void_pp = ctypes.POINTER(ctypes.c_void_p)  # char** and custclass_engine** outputs

# name: (restype, argtypes), exactly as declared in custclass.h.
_FUNCTIONS = {
    "custclass_plugin_info": (ctypes.POINTER(PluginInfo), []),
    "custclass_abi_negotiate": (ctypes.c_int32, [ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint32)]),
    "custclass_status_name": (ctypes.c_char_p, [ctypes.c_int32]),
    "custclass_last_error": (ctypes.c_char_p, [ctypes.c_void_p]),
    "custclass_last_error_global": (ctypes.c_char_p, []),
    "custclass_free": (None, [ctypes.c_void_p]),
    "custclass_validate_file": (ctypes.c_int32, [_c_void_pp, ctypes.c_char_p]),
    "custclass_validate_yaml": (ctypes.c_int32, [_c_void_pp, ctypes.c_char_p, ctypes.c_char_p,
                                                 ctypes.c_char_p]),
    "custclass_open_options_init": (ctypes.c_int32, [ctypes.POINTER(OpenOptions), ctypes.c_uint32]),
    "custclass_engine_open": (ctypes.c_int32, [_c_void_pp, ctypes.c_char_p,
                                               ctypes.POINTER(OpenOptions)]),
    "custclass_engine_open_yaml": (ctypes.c_int32, [_c_void_pp, ctypes.c_char_p,
                                                    ctypes.POINTER(OpenOptions)]),
    "custclass_engine_close": (ctypes.c_int32, [ctypes.c_void_p]),
    "custclass_run_options_init": (ctypes.c_int32, [ctypes.POINTER(RunOptions), ctypes.c_uint32]),
    "custclass_run": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, ctypes.POINTER(RunOptions)]),
    "custclass_classify_customer": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, ctypes.c_char_p,
                                                     ctypes.POINTER(RunOptions)]),
}


def _text(value):
    """bytes for a const char* parameter: None stays NULL, str is encoded as UTF-8."""
    if value is None or isinstance(value, bytes):
        return value
    return os.fsencode(value) if isinstance(value, os.PathLike) else str(value).encode("utf-8")


class CustclassError(Exception):
    """A call into the plugin failed: status code, its name, and the plugin's message."""

    def __init__(self, function, status, status_name, message):
        super().__init__(f"{function} failed: {status_name} ({status}): {message}")
        self.function = function
        self.status = status
        self.status_name = status_name
        self.message = message


class Plugin:
    """The loaded library. Checks what it is and negotiates the ABI minor version on load."""

    def __init__(self, path):
        # RTLD_LOCAL: the plugin's symbols do not leak into the process (ctypes adds RTLD_NOW).
        self._lib = ctypes.CDLL(os.fspath(path), mode=os.RTLD_NOW | os.RTLD_LOCAL)
        for name, (restype, argtypes) in _FUNCTIONS.items():
            function = getattr(self._lib, name)
            function.restype = restype
            function.argtypes = argtypes
            setattr(self, name, function)

        info_ptr = self.custclass_plugin_info()
        if not info_ptr:
            raise RuntimeError(f"{path}: custclass_plugin_info returned NULL")
        info = info_ptr.contents
        # Read only what the plugin's struct_size says is there.
        if info.struct_size < ctypes.sizeof(PluginInfo):
            raise RuntimeError(f"{path}: plugin info is {info.struct_size} bytes, "
                               f"expected at least {ctypes.sizeof(PluginInfo)}")
        if info.abi_major != ABI_MAJOR:
            raise RuntimeError(f"{path}: plugin ABI major {info.abi_major}, this host needs {ABI_MAJOR}")
        if info.pointer_size != ctypes.sizeof(ctypes.c_void_p):
            raise RuntimeError(f"{path}: plugin built with {info.pointer_size}-byte pointers, "
                               f"this Python has {ctypes.sizeof(ctypes.c_void_p)}")
        self.name = info.name.decode()
        self.version = info.version.decode()
        self.build_id = info.build_id.decode()
        self.abi_minor = info.abi_minor

        agreed = ctypes.c_uint32(0)
        self._check("custclass_abi_negotiate",
                    self.custclass_abi_negotiate(ABI_MINOR, ctypes.byref(agreed)))
        self.agreed_minor = agreed.value

    # -- errors and memory ---------------------------------------------------------------------

    def status_name(self, status):
        return self.custclass_status_name(status).decode()

    def _check(self, function, status, engine=None):
        if status == OK:
            return
        raw = self.custclass_last_error(engine) if engine else self.custclass_last_error_global()
        message = raw.decode("utf-8", "replace") if raw else ""
        raise CustclassError(function, status, self.status_name(status), message)

    def take_document(self, pointer):
        """Copies a plugin-allocated JSON document out, releases it, and parses it."""
        if not pointer.value:
            return None
        try:
            return json.loads(ctypes.string_at(pointer.value).decode("utf-8"))
        finally:
            self.custclass_free(pointer)

    # -- validation ----------------------------------------------------------------------------

    def validate_file(self, path):
        """(status, diagnostics document) for an engine config, rule set or privacy policy."""
        document = ctypes.c_void_p()
        status = self.custclass_validate_file(ctypes.byref(document), _text(path))
        diagnostics = self.take_document(document)
        if status not in (OK, E_CONFIG, E_IO):
            self._check("custclass_validate_file", status)
        return status, diagnostics

    # -- engines -------------------------------------------------------------------------------

    def open_engine(self, config_path, data_dir=None):
        options = OpenOptions()
        self._check("custclass_open_options_init",
                    self.custclass_open_options_init(ctypes.byref(options), ctypes.sizeof(options)))
        data_dir_bytes = _text(data_dir)  # kept alive until the call returns
        if data_dir_bytes is not None:
            options.data_dir = data_dir_bytes
        handle = ctypes.c_void_p()
        self._check("custclass_engine_open",
                    self.custclass_engine_open(ctypes.byref(handle), _text(config_path),
                                               ctypes.byref(options)))
        return Engine(self, handle)


class Engine:
    """An open engine. Use it as a context manager, or call close()."""

    def __init__(self, plugin, handle):
        self._plugin = plugin
        self._handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._handle:
            handle, self._handle = self._handle, None
            self._plugin._check("custclass_engine_close",
                                self._plugin.custclass_engine_close(handle))

    def _options(self, as_of, dry_run, progress, log, actor=None):
        """Run options; the callbacks and strings must stay referenced during the call."""
        p = self._plugin
        options = RunOptions()
        p._check("custclass_run_options_init",
                 p.custclass_run_options_init(ctypes.byref(options), ctypes.sizeof(options)))
        keep = []
        if as_of is not None:
            keep.append(_text(as_of))
            options.as_of = keep[-1]
        options.dry_run = 1 if dry_run else 0
        if actor is not None:
            keep.append(_text(actor))
            options.actor = keep[-1]
        if progress is not None:
            keep.append(PROGRESS_FN(lambda _user, phase, done, total:
                                    1 if progress(phase.decode(), done, total) else 0))
            options.progress = keep[-1]
        if log is not None:
            keep.append(LOG_FN(lambda _user, level, message: log(level, message.decode())))
            options.log = keep[-1]
        return options, keep

    def _require_open(self):
        if not self._handle:
            raise ValueError("the engine is closed")

    def run(self, as_of=None, dry_run=False, progress=None, log=None, actor=None):
        """A full classification run; returns the run summary document (a dict).

        progress(phase, done, total) may return True to cancel; log(level, message) receives
        the plugin's log lines; actor (who asked: a user or job name) goes to the audit log."""
        self._require_open()
        p = self._plugin
        options, _keep = self._options(as_of, dry_run, progress, log, actor)
        summary = ctypes.c_void_p()
        status = p.custclass_run(ctypes.byref(summary), self._handle, ctypes.byref(options))
        document = p.take_document(summary)
        p._check("custclass_run", status, self._handle)
        return document

    def classify_customer(self, customer_id, as_of=None):
        """One customer's segments with the explanation (a dict)."""
        self._require_open()
        p = self._plugin
        options, _keep = self._options(as_of, False, None, None)
        result = ctypes.c_void_p()
        status = p.custclass_classify_customer(ctypes.byref(result), self._handle,
                                               _text(customer_id), ctypes.byref(options))
        document = p.take_document(result)
        p._check("custclass_classify_customer", status, self._handle)
        return document
