"""custclass_ctypes -- a small ctypes binding of the custclass C ABI (abi/custclass.h, ABI 1).

The way a Python host (an Odoo or Tryton module) uses the plugin: load the shared library,
check what it is, negotiate the ABI minor version, open an engine, run, read JSON documents,
and, as the host's own records change, call the hooks (ABI 1.2): a customer changed, an order
posted, the members of a segment; and read the potential-customer lists of a run (ABI 1.3).
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
  * A Python function passed as a C callback is wrapped in a ``CFUNCTYPE`` object that must stay
    referenced until the call that uses it returns (else it is collected and the plugin calls
    freed memory); an exception raised inside it cannot cross the C frames, so it is kept, the
    plugin is asked to stop, and it is raised again once the call has returned.
  * Functions newer than the ABI minor version the plugin agrees to are not looked up: an older
    1.x plugin does not have them, and calling one raises ``CustclassError`` with
    ``E_ABI_VERSION``.
"""

import ctypes
import json
import os

# The ABI version this binding was written against. A host must not call functions introduced
# after the minor version the plugin agrees to.
ABI_MAJOR = 1
ABI_MINOR = 3

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

# What a member list is for (enum custclass_purpose, ABI 1.2).
PURPOSE_ANALYTICS = 0
PURPOSE_DIRECT_MARKETING = 1

PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_char_p,
                               ctypes.c_uint64, ctypes.c_uint64)
LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int32, ctypes.c_char_p)
MEMBER_FN = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_char_p)


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


class MembersOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("classification", ctypes.c_char_p),
        ("purpose", ctypes.c_int32),
        ("actor", ctypes.c_char_p),
    ]


class PotentialOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("list", ctypes.c_char_p),
        ("run_id", ctypes.c_char_p),
        ("from_run_id", ctypes.c_char_p),
        ("score", ctypes.c_char_p),
        ("limit", ctypes.c_uint64),
        ("purpose", ctypes.c_int32),
        ("actor", ctypes.c_char_p),
    ]


class CustomerRecord(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("customer_id", ctypes.c_char_p),
        ("created_at", ctypes.c_char_p),
        ("birth_date", ctypes.c_char_p),
        ("gender", ctypes.c_char_p),
        ("district", ctypes.c_char_p),
        ("income_band", ctypes.c_char_p),
        ("email", ctypes.c_char_p),
        ("phone", ctypes.c_char_p),
        ("lead_source", ctypes.c_char_p),
        ("is_prospect", ctypes.c_int32),
        ("interests", ctypes.c_char_p),
        ("marketing_consent", ctypes.c_int32),
        ("opted_out", ctypes.c_int32),
    ]


class OrderRecord(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("order_id", ctypes.c_char_p),
        ("customer_id", ctypes.c_char_p),
        ("ordered_at", ctypes.c_char_p),
        ("amount", ctypes.c_char_p),
        ("channel", ctypes.c_char_p),
    ]


class OrderLineRecord(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("order_id", ctypes.c_char_p),
        ("product_id", ctypes.c_char_p),
        ("category", ctypes.c_char_p),
        ("amount", ctypes.c_char_p),
    ]


_c_void_pp = ctypes.POINTER(ctypes.c_void_p)  # char**, custclass_engine**, custclass_feed** outputs
_RUN_OPTIONS = ctypes.POINTER(RunOptions)

# name: (restype, argtypes, ABI minor version that introduced it), exactly as declared in
# custclass.h. Every function of the header is here, used by this binding or not, so that
# nothing is ever called with ctypes' guessed types.
_FUNCTIONS = {
    # Discovery.
    "custclass_plugin_info": (ctypes.POINTER(PluginInfo), [], 0),
    "custclass_abi_negotiate": (ctypes.c_int32, [ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint32)],
                                0),
    "custclass_status_name": (ctypes.c_char_p, [ctypes.c_int32], 0),
    # Errors and memory.
    "custclass_last_error": (ctypes.c_char_p, [ctypes.c_void_p], 0),
    "custclass_last_error_global": (ctypes.c_char_p, [], 0),
    "custclass_free": (None, [ctypes.c_void_p], 0),
    # Validation.
    "custclass_validate_file": (ctypes.c_int32, [_c_void_pp, ctypes.c_char_p], 0),
    "custclass_validate_yaml": (ctypes.c_int32, [_c_void_pp, ctypes.c_char_p, ctypes.c_char_p,
                                                 ctypes.c_char_p], 0),
    # Engines.
    "custclass_open_options_init": (ctypes.c_int32, [ctypes.POINTER(OpenOptions), ctypes.c_uint32],
                                    0),
    "custclass_engine_open": (ctypes.c_int32, [_c_void_pp, ctypes.c_char_p,
                                               ctypes.POINTER(OpenOptions)], 0),
    "custclass_engine_open_yaml": (ctypes.c_int32, [_c_void_pp, ctypes.c_char_p,
                                                    ctypes.POINTER(OpenOptions)], 0),
    "custclass_engine_close": (ctypes.c_int32, [ctypes.c_void_p], 0),
    # Runs.
    "custclass_run_options_init": (ctypes.c_int32, [_RUN_OPTIONS, ctypes.c_uint32], 0),
    "custclass_run": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, _RUN_OPTIONS], 0),
    "custclass_classify_customer": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, ctypes.c_char_p,
                                                     _RUN_OPTIONS], 0),
    # Host-push source.
    "custclass_customer_record_init": (ctypes.c_int32, [ctypes.POINTER(CustomerRecord),
                                                        ctypes.c_uint32], 0),
    "custclass_order_record_init": (ctypes.c_int32, [ctypes.POINTER(OrderRecord), ctypes.c_uint32],
                                    0),
    "custclass_order_line_record_init": (ctypes.c_int32, [ctypes.POINTER(OrderLineRecord),
                                                          ctypes.c_uint32], 0),
    "custclass_feed_begin": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p], 0),
    "custclass_feed_add_customers": (ctypes.c_int32, [ctypes.c_void_p,
                                                      ctypes.POINTER(CustomerRecord),
                                                      ctypes.c_uint32], 0),
    "custclass_feed_add_orders": (ctypes.c_int32, [ctypes.c_void_p, ctypes.POINTER(OrderRecord),
                                                   ctypes.c_uint32], 0),
    "custclass_feed_add_order_lines": (ctypes.c_int32, [ctypes.c_void_p,
                                                        ctypes.POINTER(OrderLineRecord),
                                                        ctypes.c_uint32], 0),
    "custclass_feed_end": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, _RUN_OPTIONS], 0),
    "custclass_feed_abort": (ctypes.c_int32, [ctypes.c_void_p], 0),
    # Analyses of runs (ABI 1.1).
    "custclass_profiles": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, ctypes.c_char_p], 1),
    "custclass_compare_runs": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, ctypes.c_char_p,
                                                ctypes.c_char_p], 1),
    "custclass_whatif": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, ctypes.c_char_p,
                                          _RUN_OPTIONS], 1),
    "custclass_review": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, ctypes.c_char_p], 1),
    "custclass_report_html": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, ctypes.c_char_p], 1),
    # Hooks (ABI 1.2).
    "custclass_customer_changed": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, ctypes.c_char_p,
                                                    _RUN_OPTIONS], 2),
    "custclass_order_posted": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, ctypes.c_char_p,
                                                ctypes.c_char_p, _RUN_OPTIONS], 2),
    "custclass_members_options_init": (ctypes.c_int32, [ctypes.POINTER(MembersOptions),
                                                        ctypes.c_uint32], 2),
    "custclass_segment_members": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, ctypes.c_char_p,
                                                   ctypes.POINTER(MembersOptions), MEMBER_FN,
                                                   ctypes.c_void_p], 2),
    # Privacy (ABI 1.2).
    "custclass_privacy_check": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, _RUN_OPTIONS], 2),
    "custclass_privacy_export": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, ctypes.c_char_p,
                                                  _RUN_OPTIONS], 2),
    "custclass_privacy_erase": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p, ctypes.c_char_p,
                                                 _RUN_OPTIONS], 2),
    # Potential customers (ABI 1.3).
    "custclass_potential_options_init": (ctypes.c_int32, [ctypes.POINTER(PotentialOptions),
                                                          ctypes.c_uint32], 3),
    "custclass_potential": (ctypes.c_int32, [_c_void_pp, ctypes.c_void_p,
                                             ctypes.POINTER(PotentialOptions)], 3),
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
        # ABI 1.0 first: everything below needs them. The newer ones once the minor is agreed.
        self._bind(lambda since: since == 0)

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
        self._bind(lambda since: 0 < since <= self.agreed_minor)

    def _bind(self, wanted):
        """Looks up the functions `wanted(since_minor)` selects and sets their types; the ones
        newer than the agreed minor version are left as None (see require())."""
        for name, (restype, argtypes, since) in _FUNCTIONS.items():
            if since > 0 and not hasattr(self, name):
                setattr(self, name, None)
            if not wanted(since):
                continue
            function = getattr(self._lib, name)
            function.restype = restype
            function.argtypes = argtypes
            setattr(self, name, function)

    def require(self, name):
        """The function `name`, or CustclassError(E_ABI_VERSION) when the agreed ABI minor
        version is older than the function."""
        function = getattr(self, name, None)
        if function is None:
            since = _FUNCTIONS[name][2]
            raise CustclassError(name, E_ABI_VERSION, "CUSTCLASS_E_ABI_VERSION",
                                 f"{name} needs ABI 1.{since}; the plugin agreed to "
                                 f"1.{self.agreed_minor}: install a newer plugin")
        return function

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

    # -- hooks (ABI 1.2) -----------------------------------------------------------------------

    def customer_changed(self, customer_id, as_of=None, log=None, actor=None):
        """The host saved (or created) the customer's record: re-classifies it from the host's
        current data, updates its live assignments, and returns its segments with the
        explanation (a dict, with "incremental": the run whose cut points were used).
        CustclassError E_NOT_FOUND when the host no longer has the customer (its live
        assignments are then removed)."""
        self._require_open()
        p = self._plugin
        function = p.require("custclass_customer_changed")
        options, _keep = self._options(as_of, False, None, log, actor)
        result = ctypes.c_void_p()
        status = function(ctypes.byref(result), self._handle, _text(customer_id),
                          ctypes.byref(options))
        document = p.take_document(result)
        p._check("custclass_customer_changed", status, self._handle)
        return document

    def order_posted(self, customer_id, order_id=None, as_of=None, log=None, actor=None):
        """An order of the customer was created, paid, returned or cancelled, and committed:
        like customer_changed. order_id, when given, must be among the customer's orders in
        the host database (E_NOT_FOUND otherwise: call this after the commit)."""
        self._require_open()
        p = self._plugin
        function = p.require("custclass_order_posted")
        options, _keep = self._options(as_of, False, None, log, actor)
        result = ctypes.c_void_p()
        status = function(ctypes.byref(result), self._handle, _text(customer_id),
                          _text(order_id), ctypes.byref(options))
        document = p.take_document(result)
        p._check("custclass_order_posted", status, self._handle)
        return document

    def members(self, segment, on_member, classification=None, purpose=PURPOSE_ANALYTICS,
                actor=None):
        """Streams the members of a segment from the live assignments, in customer id order:
        on_member(customer_id) is called once per member, on this thread, and may return True
        to stop the stream (CustclassError E_CANCELLED). For PURPOSE_DIRECT_MARKETING the
        customers without consent or with an opt-out are left out. Returns the summary
        (members.schema.json). classification None: the one classification with that segment.
        An exception raised by on_member stops the stream and is raised again here."""
        self._require_open()
        p = self._plugin
        function = p.require("custclass_segment_members")
        options = MembersOptions()
        p._check("custclass_members_options_init",
                 p.require("custclass_members_options_init")(ctypes.byref(options),
                                                             ctypes.sizeof(options)))
        classification_bytes = _text(classification)  # referenced until the call returns
        actor_bytes = _text(actor)
        options.classification = classification_bytes
        options.purpose = purpose
        if actor_bytes is not None:
            options.actor = actor_bytes
        raised = []

        def member(_user, customer_id):
            if raised:
                return 1
            try:
                return 1 if on_member(customer_id.decode("utf-8")) else 0
            except BaseException as error:  # pylint: disable=broad-except
                raised.append(error)  # cannot unwind through the plugin: raise it after
                return 1

        callback = MEMBER_FN(member)  # referenced until the call returns
        summary = ctypes.c_void_p()
        status = function(ctypes.byref(summary), self._handle, _text(segment),
                          ctypes.byref(options), callback, None)
        document = p.take_document(summary)
        if raised:
            raise raised[0]
        p._check("custclass_segment_members", status, self._handle)
        return document

    # -- potential customers (ABI 1.3) ---------------------------------------------------------

    def potential(self, list_name="focus", run_id=None, from_run_id=None, score=None, limit=100,
                  purpose=PURPOSE_ANALYTICS, actor=None):
        """One potential-customer list of a stored run (potential.schema.json), a dict:
        list_name "focus", "leads", "lookalike", "referral-rewards", "key-persons", "offers",
        "bestsellers", "keywords", "signups", "unmet-demand" or "lifetime-value"; run_id None:
        the latest succeeded run; from_run_id (keywords, unmet-demand) None: the run before;
        score (leads) None: the rule set's first; limit: the most people listed (0: all; counts
        are complete); purpose PURPOSE_ANALYTICS (pseudonyms unless the policy gives analytics
        identity) or PURPOSE_DIRECT_MARKETING (ids of those with consent and no opt-out).
        CustclassError E_ABI_VERSION with a plugin older than ABI 1.3."""
        self._require_open()
        p = self._plugin
        function = p.require("custclass_potential")
        options = PotentialOptions()
        p._check("custclass_potential_options_init",
                 p.require("custclass_potential_options_init")(ctypes.byref(options),
                                                               ctypes.sizeof(options)))
        keep = [_text(list_name), _text(run_id), _text(from_run_id), _text(score), _text(actor)]
        options.list, options.run_id, options.from_run_id, options.score = keep[:4]
        if keep[4] is not None:
            options.actor = keep[4]
        options.limit = limit
        options.purpose = purpose
        document = ctypes.c_void_p()
        status = function(ctypes.byref(document), self._handle, ctypes.byref(options))
        result = p.take_document(document)
        p._check("custclass_potential", status, self._handle)
        return result

    def member_ids(self, segment, classification=None, purpose=PURPOSE_ANALYTICS, actor=None):
        """(list of customer ids, summary) of members(), for lists that fit in memory."""
        ids = []
        summary = self.members(segment, ids.append, classification, purpose, actor)
        return ids, summary
