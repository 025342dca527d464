/*
 * custclass.h -- the C ABI of libcustclass, the customer-classification plugin.
 *
 * This header is the whole contract between a host application (a CRM or ERP written in C, C++,
 * Python, PHP, ...) and the plugin. A host built against ABI major version 1 keeps working, without
 * recompiling, with every later 1.x plugin: functions are only ever added, option and record
 * structs only ever grow at the end, status codes are never renumbered.
 *
 * Conventions that hold for every function below:
 *
 *  - Status.  Every function that can fail returns an int32_t status: CUSTCLASS_OK (0) on success,
 *    a negative CUSTCLASS_E_* code on failure. custclass_status_name() names a code. The message of
 *    the failure is returned by custclass_last_error(engine) for calls made on an engine, and by
 *    custclass_last_error_global() for calls made without one (opening, validating). Messages say
 *    what failed, where (file:line:column for configuration errors, table and key for data errors)
 *    and what to do.
 *
 *  - Output parameters come first and are set to NULL (or 0) before anything else is checked, so a
 *    host may call the matching release function on them whatever the status.
 *
 *  - Ownership.  Strings passed in are UTF-8, NUL-terminated, and copied before the call returns.
 *    Every char* the plugin hands out through an output parameter is owned by the host and must be
 *    released with custclass_free() (never free()). const char* results (names, messages, the
 *    plugin info) are owned by the plugin and stay valid as each function says.
 *
 *  - Handles.  custclass_engine is opaque. A handle that was closed, or a pointer that is not a
 *    handle, is reported as CUSTCLASS_E_INVALID_HANDLE, never dereferenced; a NULL handle as
 *    CUSTCLASS_E_INVALID_ARGUMENT.
 *
 *  - Structs.  Every option struct starts with uint32_t struct_size and has a *_init(&s, sizeof s)
 *    function that fills the defaults. The plugin reads only the fields that struct_size covers,
 *    so a host compiled against an older, shorter struct keeps working.
 *
 *  - Threads.  All functions are thread-safe. One engine may be used from several threads at once;
 *    full runs on one engine are serialised; lookups run concurrently with each other and with a
 *    full run and see the last completed run only. Callbacks are called on the calling thread.
 *
 *  - No C++ exception, abort or exit ever leaves the plugin.
 *
 *  - Documents.  Structured results are UTF-8 JSON documents; their shapes are the JSON Schemas
 *    installed beside this header (share/custclass/schemas/).
 */
#ifndef CUSTCLASS_H
#define CUSTCLASS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define CUSTCLASS_API __attribute__((visibility("default")))
#else
#define CUSTCLASS_API
#endif

/* ABI version of this header. The major version changes never within a product line; the minor
 * version grows when functions or struct fields are added. */
#define CUSTCLASS_ABI_MAJOR 1
#define CUSTCLASS_ABI_MINOR 4

/* ---------------------------------------------------------------------------------------------
 * Status codes. Values are fixed forever; new codes are only ever appended.
 * ------------------------------------------------------------------------------------------- */
enum custclass_status_code {
    CUSTCLASS_OK = 0,
    /* A required pointer was NULL, a struct_size too small, a string not valid UTF-8, or a value
     * out of its range. Nothing was done. */
    CUSTCLASS_E_INVALID_ARGUMENT = -1,
    /* The handle was closed already, or is not a handle this plugin returned. */
    CUSTCLASS_E_INVALID_HANDLE = -2,
    /* The host asked for an ABI the plugin does not provide. */
    CUSTCLASS_E_ABI_VERSION = -3,
    /* A configuration file, rule set or policy is invalid; the message (or the diagnostics
     * document) says file, line, column and what to do. */
    CUSTCLASS_E_CONFIG = -4,
    /* The database could not be reached or a statement failed. */
    CUSTCLASS_E_DATABASE = -5,
    /* The host's data could not be used as it is (a required column missing, an unparseable
     * value); the message names the table, the key and the value. */
    CUSTCLASS_E_DATA = -6,
    /* A file could not be read or written. */
    CUSTCLASS_E_IO = -7,
    /* The thing asked for (a customer, a run, a segment) does not exist. */
    CUSTCLASS_E_NOT_FOUND = -8,
    /* The progress callback asked to stop; previous results are untouched. */
    CUSTCLASS_E_CANCELLED = -9,
    /* The privacy policy refuses the work; the message says which check and why. */
    CUSTCLASS_E_PRIVACY = -10,
    /* Memory ran out. */
    CUSTCLASS_E_NO_MEMORY = -11,
    /* A bug in the plugin; the message says what happened. Please report it. */
    CUSTCLASS_E_INTERNAL = -12
};

/* ---------------------------------------------------------------------------------------------
 * Discovery: the first calls a host makes.
 * ------------------------------------------------------------------------------------------- */

/* What the plugin is. Data only; never changes while the library is loaded. Fields after the
 * ones a host knows may be added; check struct_size before reading beyond what you know. */
typedef struct custclass_plugin_info_s {
    uint32_t struct_size;  /* sizeof the struct as the plugin was built */
    uint32_t abi_major;    /* CUSTCLASS_ABI_MAJOR of the plugin */
    uint32_t abi_minor;    /* highest ABI minor version the plugin provides */
    uint32_t pointer_size; /* sizeof(void*) of the plugin build, to catch a 32/64-bit mix-up */
    const char* name;      /* "custclass" */
    const char* version;   /* the plugin's product version, e.g. "0.1.0" */
    const char* build_id;  /* compiler, build type and source revision the plugin was built from */
} custclass_plugin_info_t;

/* Returns a pointer to the plugin's static information. Never NULL; owned by the plugin; valid
 * as long as the library is loaded. Thread-safe. */
CUSTCLASS_API const custclass_plugin_info_t* custclass_plugin_info(void);

/* Settles the ABI minor version used between host and plugin: *agreed_minor is set to the lower
 * of host_max_minor and the plugin's abi_minor. Call it once before anything else, with the
 * CUSTCLASS_ABI_MINOR the host was compiled with; a host must not call functions introduced
 * after *agreed_minor.
 * Fails with CUSTCLASS_E_INVALID_ARGUMENT if agreed_minor is NULL. */
CUSTCLASS_API int32_t custclass_abi_negotiate(uint32_t host_max_minor, uint32_t* agreed_minor);

/* Names a status code ("CUSTCLASS_E_CONFIG"); an unknown code gives "CUSTCLASS_E_UNKNOWN".
 * Never NULL; the string is static. */
CUSTCLASS_API const char* custclass_status_name(int32_t status);

/* ---------------------------------------------------------------------------------------------
 * Errors and memory.
 * ------------------------------------------------------------------------------------------- */

typedef struct custclass_engine custclass_engine;

/* The message of the last failed call made by the calling thread on this engine, or "" if that
 * call succeeded. Valid until the calling thread's next call on this engine. Never NULL; for a
 * NULL or invalid engine it returns the calling thread's global message (see below). */
CUSTCLASS_API const char* custclass_last_error(const custclass_engine* engine);

/* The message of the calling thread's last failed call that had no engine to record it on
 * (custclass_engine_open*, custclass_validate*, a call with an invalid handle), or "" if none
 * failed. Valid until the calling thread's next such call. Never NULL. */
CUSTCLASS_API const char* custclass_last_error_global(void);

/* Releases memory the plugin handed to the host (JSON documents). NULL is a no-op. */
CUSTCLASS_API void custclass_free(void* memory);

/* ---------------------------------------------------------------------------------------------
 * Validation: checks configuration files without opening any database.
 * ------------------------------------------------------------------------------------------- */

/* Validates one file: an engine config, a rule set or a privacy policy (recognised by its keys).
 * An engine config is validated together with the rule set and policy it names.
 * *diagnostics_json is set to a document of schema diagnostics.schema.json (every problem found,
 * each with severity, file, line, column, message and hint) whatever the outcome, except when
 * the arguments themselves are invalid.
 * Returns CUSTCLASS_OK when there is no error (warnings may be present), CUSTCLASS_E_CONFIG when
 * there is at least one, CUSTCLASS_E_IO when the file cannot be read (also reported in the
 * document), CUSTCLASS_E_INVALID_ARGUMENT for NULL arguments. */
CUSTCLASS_API int32_t custclass_validate_file(char** diagnostics_json, const char* path);

/* Like custclass_validate_file, for YAML text held by the host. display_name is used as the file
 * name in diagnostics (NULL: "<yaml>"); relative paths inside are resolved against base_dir
 * (NULL: the current directory). */
CUSTCLASS_API int32_t custclass_validate_yaml(char** diagnostics_json, const char* yaml_text,
                                              const char* display_name, const char* base_dir);

/* ---------------------------------------------------------------------------------------------
 * Engines.
 * ------------------------------------------------------------------------------------------- */

/* Options for opening an engine. Initialise with custclass_open_options_init. */
typedef struct custclass_open_options {
    uint32_t struct_size;
    /* Directory against which relative paths in YAML text are resolved (custclass_engine_open_yaml
     * only). NULL (default): the current directory. */
    const char* base_dir;
    /* Directory holding the shipped YAML files (rulesets/, presets/, privacy/). NULL (default):
     * the directory the plugin was installed with. */
    const char* data_dir;
} custclass_open_options;

/* Fills *options with the defaults. size must be sizeof *options as the host knows it.
 * Fails with CUSTCLASS_E_INVALID_ARGUMENT for NULL or a size smaller than a uint32_t. */
CUSTCLASS_API int32_t custclass_open_options_init(custclass_open_options* options, uint32_t size);

/* Opens an engine from an engine config file (custclass.yaml), which names the source, the
 * result store, the rule set and the privacy policy. The files are loaded and validated; no
 * database is opened until the first call that needs one. options may be NULL (defaults).
 * On success *engine is a new handle, released with custclass_engine_close.
 * Fails with CUSTCLASS_E_CONFIG (the message gives file:line:column of the first error; use
 * custclass_validate_file for all of them), CUSTCLASS_E_IO or CUSTCLASS_E_INVALID_ARGUMENT;
 * *engine is then NULL and custclass_last_error_global() says why. */
CUSTCLASS_API int32_t custclass_engine_open(custclass_engine** engine, const char* config_path,
                                            const custclass_open_options* options);

/* Like custclass_engine_open, from the text of an engine config held by the host. */
CUSTCLASS_API int32_t custclass_engine_open_yaml(custclass_engine** engine, const char* yaml_text,
                                                 const custclass_open_options* options);

/* Closes the engine and releases everything it holds. Waits for calls running on it in other
 * threads to finish. Feeds begun on the engine and not yet ended are aborted (nothing of them is
 * run or stored); their handles are invalid from then on (CUSTCLASS_E_INVALID_HANDLE), so a host
 * may still call custclass_feed_abort on them. Must not be called from a callback of a call on
 * the same engine (that call would wait for itself). NULL is a no-op returning CUSTCLASS_OK; a
 * handle closed already gives CUSTCLASS_E_INVALID_HANDLE. */
CUSTCLASS_API int32_t custclass_engine_close(custclass_engine* engine);

/* ---------------------------------------------------------------------------------------------
 * Runs.
 * ------------------------------------------------------------------------------------------- */

/* Called during long work. phase names the step ("read", "features", "rules", ...); done and
 * total count its units (total 0: unknown). Return 0 to go on, non-zero to cancel the work.
 * A callback may call lookups (custclass_classify_customer) and functions on other engines; a
 * full run or an analysis of runs on the same engine started from it fails with
 * CUSTCLASS_E_INVALID_ARGUMENT (runs on one engine are serialised, and it would wait for
 * itself), and it must not close that engine. */
typedef int32_t (*custclass_progress_fn)(void* user, const char* phase, uint64_t done,
                                         uint64_t total);

/* Log levels passed to custclass_log_fn. */
enum custclass_log_level {
    CUSTCLASS_LOG_DEBUG = 0,
    CUSTCLASS_LOG_INFO = 1,
    CUSTCLASS_LOG_WARNING = 2,
    CUSTCLASS_LOG_ERROR = 3
};

/* Receives log messages (one line each, UTF-8, valid only during the call). */
typedef void (*custclass_log_fn)(void* user, int32_t level, const char* message);

/* Options for a full run. Initialise with custclass_run_options_init. */
typedef struct custclass_run_options {
    uint32_t struct_size;
    /* The date of the run, "YYYY-MM-DD". NULL (default): today in the rule set's time zone. */
    const char* as_of;
    /* Non-zero: compute everything, write nothing (default 0). */
    int32_t dry_run;
    /* Optional callbacks (default NULL) and the pointer passed back to them. */
    custclass_progress_fn progress;
    custclass_log_fn log;
    void* user;
    /* Who asked for the work (a user name or a job name), recorded in the audit log.
     * NULL (default): "custclass". */
    const char* actor;
    /* ABI 1.4: threads computing the features and evaluating the rules of custclass_run.
     * 0 (default): the cores there are. The results are the same, row for row, on any number. */
    uint32_t threads;
} custclass_run_options;

/* Fills *options with the defaults. Same rules as custclass_open_options_init. */
CUSTCLASS_API int32_t custclass_run_options_init(custclass_run_options* options, uint32_t size);

/* Runs a full classification: reads the source, computes the features of every customer,
 * applies the rule set, and (unless dry_run) publishes the results in the result store in one
 * transaction: the run with its id, every assignment, the live assignment table, an audit entry.
 * options may be NULL (defaults). On success *summary_json is the run summary (schema
 * run_summary.schema.json: run id, status, as_of, rule set, customers read, segment counts per
 * classification, exclusions by reason, duration); release it with custclass_free. Runs on one
 * engine are serialised.
 * Fails with CUSTCLASS_E_DATABASE, CUSTCLASS_E_DATA, CUSTCLASS_E_CANCELLED,
 * CUSTCLASS_E_CONFIG (the rule set's name and version were stored before with other content:
 * bump its version), CUSTCLASS_E_INVALID_ARGUMENT (a bad as_of) and others; *summary_json is
 * then NULL, the failed run is recorded as such where possible, and the results of the previous
 * run stay current. */
CUSTCLASS_API int32_t custclass_run(char** summary_json, custclass_engine* engine,
                                    const custclass_run_options* options);

/* Classifies one customer and explains it. The features are those of the engine's last run when
 * it was made with the same as_of; otherwise they are computed from current data first (a dry
 * run). options may be NULL; only as_of and the callbacks are read. On success *result_json is a
 * document of schema customer_result.schema.json: per classification the segment (or null when
 * unclassified), the rule that held, the value of every feature it read, and for each earlier
 * segment the sub-condition that failed. Release it with custclass_free.
 * Fails with CUSTCLASS_E_NOT_FOUND when no such customer exists as of that date. */
CUSTCLASS_API int32_t custclass_classify_customer(char** result_json, custclass_engine* engine,
                                                  const char* customer_id,
                                                  const custclass_run_options* options);

/* ---------------------------------------------------------------------------------------------
 * Host-push source: for hosts that will not let the plugin read their database. The engine
 * config says `source: {preset: push}` and names a result store; the host then pushes its
 * customers, orders and order lines, and ends the feed, which runs the classification exactly
 * as custclass_run does on a database holding the same rows.
 *
 * Records are arrays of structs. Every text field is UTF-8 or NULL (unknown); dates and
 * timestamps are "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" (local time in the rule set's zone) or
 * with a zone ("…Z", "…+08:00"); amounts are decimal text ("1234.50", negative for returns), so
 * that money stays exact; flags are 1 (yes), 0 (no) or -1 (unknown).
 * ------------------------------------------------------------------------------------------- */

typedef struct custclass_feed custclass_feed;

typedef struct custclass_customer_record {
    uint32_t struct_size;
    const char* customer_id; /* required */
    const char* created_at;
    const char* birth_date;
    const char* gender;
    const char* district;
    const char* income_band;
    const char* email;
    const char* phone;
    const char* lead_source;
    int32_t is_prospect;
    const char* interests; /* comma-separated keywords */
    int32_t marketing_consent;
    int32_t opted_out;
} custclass_customer_record;

typedef struct custclass_order_record {
    uint32_t struct_size;
    const char* order_id;    /* required */
    const char* customer_id; /* NULL: a guest sale, counted and left out */
    const char* ordered_at;  /* required */
    const char* amount;      /* required */
    const char* channel;
} custclass_order_record;

typedef struct custclass_order_line_record {
    uint32_t struct_size;
    const char* order_id;   /* required: the order it belongs to */
    const char* product_id; /* required */
    const char* category;
    const char* amount; /* required */
} custclass_order_line_record;

/* Fill a record with its defaults (NULL text, -1 flags). Same rules as the options' *_init. */
CUSTCLASS_API int32_t custclass_customer_record_init(custclass_customer_record* record,
                                                     uint32_t size);
CUSTCLASS_API int32_t custclass_order_record_init(custclass_order_record* record, uint32_t size);
CUSTCLASS_API int32_t custclass_order_line_record_init(custclass_order_line_record* record,
                                                       uint32_t size);

/* Starts a feed on an engine whose source is `push`. On success *feed is a new feed, released by
 * custclass_feed_end or custclass_feed_abort. A feed is used by one thread at a time; messages
 * of failed feed calls are read with custclass_last_error(engine).
 * Fails with CUSTCLASS_E_INVALID_ARGUMENT (NULL, or the engine reads a database instead),
 * CUSTCLASS_E_INVALID_HANDLE. */
CUSTCLASS_API int32_t custclass_feed_begin(custclass_feed** feed, custclass_engine* engine);

/* Add `count` records (an array whose element size is records[0].struct_size, the same for
 * every element). All of them are kept, or, when one is invalid (a missing id, an unparseable
 * date or amount, invalid UTF-8), none: the call fails with CUSTCLASS_E_DATA and the message
 * names the record's index, the table, the key, the field and the value. count 0 is a no-op. */
CUSTCLASS_API int32_t custclass_feed_add_customers(custclass_feed* feed,
                                                   const custclass_customer_record* records,
                                                   uint32_t count);
CUSTCLASS_API int32_t custclass_feed_add_orders(custclass_feed* feed,
                                                const custclass_order_record* records,
                                                uint32_t count);
CUSTCLASS_API int32_t custclass_feed_add_order_lines(custclass_feed* feed,
                                                     const custclass_order_line_record* records,
                                                     uint32_t count);

/* Ends the feed and runs the classification over what was pushed, like custclass_run (options
 * as there; NULL for the defaults), publishing the results in the store unless dry_run. The feed
 * is released whatever the outcome. On success *summary_json is the run summary. */
CUSTCLASS_API int32_t custclass_feed_end(char** summary_json, custclass_feed* feed,
                                         const custclass_run_options* options);

/* Releases a feed without running anything. NULL is a no-op. */
CUSTCLASS_API int32_t custclass_feed_abort(custclass_feed* feed);

/* ---------------------------------------------------------------------------------------------
 * Analyses of runs (ABI 1.1): customer files, comparisons, what-if, the rule review.
 * Each reads its run from the result store and the host's database again as of the run's date
 * (for the features and purchases it shows), so it needs an engine whose source is a database;
 * it writes nothing. Every group or cell of fewer than k customers (the privacy policy's
 * small_cell_k, default 5) is suppressed: its count is null. These calls are serialised with
 * full runs on the same engine. run_id NULL or "": the latest succeeded run.
 * On success the document is set and must be released with custclass_free; on failure it is
 * NULL and custclass_last_error(engine) says why: CUSTCLASS_E_NOT_FOUND (no such run, or no
 * succeeded run yet), CUSTCLASS_E_DATABASE, CUSTCLASS_E_DATA, CUSTCLASS_E_INVALID_ARGUMENT (a
 * push engine, invalid UTF-8), CUSTCLASS_E_INVALID_HANDLE.
 * ------------------------------------------------------------------------------------------- */

/* Customer files: per classification and segment, size and shares of customers and revenue,
 * statistics of every numeric feature, the distribution of every text feature, top categories
 * with lift, top products, channels and the preferred one, purchases by weekday and hour
 * (schema profiles.schema.json). */
CUSTCLASS_API int32_t custclass_profiles(char** profiles_json, custclass_engine* engine,
                                         const char* run_id);

/* Compares two runs: segment sizes before and after, the migration matrix, new versus existing
 * customers, per-segment feature shifts, PSI per classification with its drift verdict (schema
 * comparison.schema.json). from_run_id NULL or "": the succeeded run published before
 * to_run_id (CUSTCLASS_E_NOT_FOUND when there is none). */
CUSTCLASS_API int32_t custclass_compare_runs(char** comparison_json, custclass_engine* engine,
                                             const char* from_run_id, const char* to_run_id);

/* What would change with the candidate rule set (a file path) instead of the current rules, on
 * the same data as of options->as_of (NULL options: today), written nowhere: the comparison of
 * custclass_compare_runs without feature shifts, plus per-rule match counts of both rule sets.
 * A candidate that does not validate fails with CUSTCLASS_E_CONFIG (file:line:column). */
CUSTCLASS_API int32_t custclass_whatif(char** comparison_json, custclass_engine* engine,
                                       const char* candidate_rules_path,
                                       const custclass_run_options* options);

/* The review of the current rules on the data as of the run's date: per segment matched,
 * first-matched and shadowed customers; findings (never matches, never reached, under k,
 * unclassified share, drift against the previous run) each with a suggestion (schema
 * review.schema.json). */
CUSTCLASS_API int32_t custclass_review(char** review_json, custclass_engine* engine,
                                       const char* run_id);

/* The report of a run as one self-contained HTML page (UTF-8; no script, no network: charts are
 * inline SVG), for a shop manager to read or print: segment sizes, the migration matrix against
 * the run before it as a heat map, a profile card per segment, the revenue concentration curve,
 * the review's findings and the privacy summary. Small cells are suppressed as everywhere. */
CUSTCLASS_API int32_t custclass_report_html(char** html, custclass_engine* engine,
                                            const char* run_id);

/* ---------------------------------------------------------------------------------------------
 * Hooks (ABI 1.2): what a host calls as its own data changes, and member lists for campaigns.
 *
 * A hook re-classifies one customer from the host's current data, read with parameterised
 * queries restricted to that customer (its row, its orders and lines, the customers it
 * referred, and the opt-out list), updates that customer's rows of the live assignment table
 * (custclass_live_assignments) and returns the new segments with their explanation. Features
 * that place a customer among all the others (r_score, f_score, m_score, rfm, pareto_class)
 * use the cut points of the last succeeded full run, which are stored with it; the document's
 * "incremental" member names that run and says so. A hook needs a succeeded full run first
 * (CUSTCLASS_E_NOT_FOUND otherwise) and an engine whose source is a database.
 *
 * Hooks run concurrently with each other, with lookups and with a full run on the same engine
 * (they take no run lock); each reads the last published run only, never a half-written one.
 * A full run replaces the live table with its own results when it publishes; the updates of the
 * hooks made on the same engine while it was under way are written after them (they are newer).
 * ------------------------------------------------------------------------------------------- */

/* The customer's record changed in the host (or was created): re-classifies it as of
 * options->as_of (NULL options or as_of: today in the rule set's time zone) and updates its
 * live assignments. Only as_of, actor and the log callback of options are read.
 * On success *result_json is a document of schema customer_result.schema.json with the member
 * "incremental" (the run whose cut points were used); release it with custclass_free.
 * A customer the host no longer has (or that does not exist as of that date) has its live
 * assignments removed and gives CUSTCLASS_E_NOT_FOUND. Fails also with CUSTCLASS_E_DATABASE,
 * CUSTCLASS_E_DATA, CUSTCLASS_E_INVALID_ARGUMENT (NULL or invalid UTF-8, a push engine). */
CUSTCLASS_API int32_t custclass_customer_changed(char** result_json, custclass_engine* engine,
                                                 const char* customer_id,
                                                 const custclass_run_options* options);

/* An order of the customer was posted (created, paid, returned or cancelled) in the host:
 * re-classifies the customer as custclass_customer_changed does. order_id may be NULL; when
 * given, the order must be among the customer's orders as the host database shows them now
 * (CUSTCLASS_E_NOT_FOUND otherwise, e.g. when the hook is called before the host committed the
 * order), and it is named in the log. */
CUSTCLASS_API int32_t custclass_order_posted(char** result_json, custclass_engine* engine,
                                             const char* customer_id, const char* order_id,
                                             const custclass_run_options* options);

/* What a member list is for. Direct marketing keeps only customers with recorded marketing
 * consent and no opt-out (by id, e-mail or phone): Personal Data (Privacy) Ordinance s.35C-35G. */
enum custclass_purpose {
    CUSTCLASS_PURPOSE_ANALYTICS = 0,
    CUSTCLASS_PURPOSE_DIRECT_MARKETING = 1
};

/* Options for custclass_segment_members. Initialise with custclass_members_options_init. */
typedef struct custclass_members_options {
    uint32_t struct_size;
    /* The classification the segment belongs to. NULL (default): the one classification of
     * the rule set that has a segment of that id (CUSTCLASS_E_INVALID_ARGUMENT when several do). */
    const char* classification;
    /* A custclass_purpose value (default CUSTCLASS_PURPOSE_ANALYTICS). */
    int32_t purpose;
    /* Who asked for the list, for the log. NULL (default): "custclass". */
    const char* actor;
} custclass_members_options;

/* Fills *options with the defaults. Same rules as custclass_open_options_init. */
CUSTCLASS_API int32_t custclass_members_options_init(custclass_members_options* options,
                                                     uint32_t size);

/* Receives one member: the customer id (UTF-8, valid only during the call). Return 0 to go on,
 * non-zero to stop the stream. */
typedef int32_t (*custclass_member_fn)(void* user, const char* customer_id);

/* Streams the members of a segment as the live assignment table holds them now (the last full
 * run, updated by the hooks since), in customer id order, one call of `row` per customer, on
 * the calling thread. For CUSTCLASS_PURPOSE_DIRECT_MARKETING the host's current consent and
 * opt-outs are read first and every customer without consent or with an opt-out is left out.
 * On success *summary_json is a document of schema members.schema.json (the classification,
 * the segment, the purpose, how many were streamed and how many were left out by reason);
 * release it with custclass_free. options may be NULL (defaults).
 * Fails with CUSTCLASS_E_NOT_FOUND (no such segment in the rule set, or no succeeded run yet),
 * CUSTCLASS_E_CANCELLED (row returned non-zero; *summary_json is then NULL),
 * CUSTCLASS_E_INVALID_ARGUMENT (NULL segment or row, invalid UTF-8, an unknown purpose, an
 * ambiguous segment), CUSTCLASS_E_DATABASE, CUSTCLASS_E_DATA. */
CUSTCLASS_API int32_t custclass_segment_members(char** summary_json, custclass_engine* engine,
                                                const char* segment,
                                                const custclass_members_options* options,
                                                custclass_member_fn row, void* user);

/* ---------------------------------------------------------------------------------------------
 * Privacy (ABI 1.2): the Personal Data (Privacy) Ordinance duties the plugin helps with
 * (PRIVACY.md). options may be NULL; only as_of and actor are read (actor is recorded in the
 * audit log: who asked). Each document is released with custclass_free.
 * ------------------------------------------------------------------------------------------- */

/* The compliance report: each of the policy's checks against this engine's rule set, source
 * mapping and policy (which fields are read for which purpose, approvals present or missing,
 * opt-out sources, government identifiers, enrichment approvals), evaluated without reading any
 * customer data, plus what the last run recorded (exclusions by reason, fairness disparities,
 * customers past retention that the host should erase). Schema compliance_report.schema.json.
 * Returns CUSTCLASS_OK even when a check refuses: the document says which and why. */
CUSTCLASS_API int32_t custclass_privacy_check(char** report_json, custclass_engine* engine,
                                              const custclass_run_options* options);

/* A data access request (s.18, s.19): everything the plugin holds on one customer (its current
 * features and segments with their explanation, its segment in every stored run, the live
 * assignments, the audit entries that name it) as one document of schema
 * data_access.schema.json. The request is recorded in the audit log with its deadline (40 days
 * from today) before anything is returned; if the log cannot be written nothing is returned
 * (CUSTCLASS_E_DATABASE). CUSTCLASS_E_NOT_FOUND when the plugin holds nothing on the customer
 * and the host database has no such customer. */
CUSTCLASS_API int32_t custclass_privacy_export(char** export_json, custclass_engine* engine,
                                               const char* customer_id,
                                               const custclass_run_options* options);

/* Erasure (DPP2, DPP6): removes every row the plugin's tables hold on one customer (its
 * assignments in every run, its live assignments, the audit entries that name it, the run cut
 * points that name it) and the results cached in this engine, in one transaction, and records a
 * tombstone in the audit log (the customer named only by its pseudonym when the policy's key is
 * set). The host's own records are the host's to erase; a later run classifies the customer
 * again only if the host still holds it. Schema erasure.schema.json (what was removed). */
CUSTCLASS_API int32_t custclass_privacy_erase(char** result_json, custclass_engine* engine,
                                              const char* customer_id,
                                              const custclass_run_options* options);

/* ---------------------------------------------------------------------------------------------
 * Potential customers (ABI 1.3): the results of POTENTIAL.md for a stored run, computed from the
 * host's data as of the run's date and the rule set's `potential:` section.
 * ------------------------------------------------------------------------------------------- */

/* Options for custclass_potential. Initialise with custclass_potential_options_init. */
typedef struct custclass_potential_options {
    uint32_t struct_size;
    /* Which result: "focus" (80/20: the revenue curve, the share of customers bringing 80% of
     * revenue, the A list), "leads" (customers ranked by a score, point by point), "lookalike"
     * (prospects ranked by their naive-Bayes fit to the target segments), "referral-rewards"
     * (both parties of the referrals the run rewarded), "key-persons" (customers by the decayed
     * revenue their referrals bring, with their reach), "offers" (the campaign list of each
     * offer), "bestsellers" (per segment and season, top products and categories), "keywords"
     * (target lists of the campaign keywords, and search terms trending up since the earlier
     * run), "signups" (e-mail list growth per month and source), "unmet-demand" (interests no
     * bought category serves, categories whose buyers fell since the earlier run),
     * "lifetime-value" (p_alive, expected purchases and value in the next 90 days, with the
     * fitted models). NULL (default): "focus". */
    const char* list;
    /* The run; NULL (default): the latest succeeded run. */
    const char* run_id;
    /* keywords, unmet-demand: the earlier run to compare with; NULL (default): the run before. */
    const char* from_run_id;
    /* leads: the score to rank by; NULL (default): the first score of the rule set. */
    const char* score;
    /* The most people a list holds (0: all); counts are always complete. Default 100. */
    uint64_t limit;
    /* A custclass_purpose value (default CUSTCLASS_PURPOSE_ANALYTICS): lists for analytics carry
     * pseudonyms unless the policy gives analytics identity; direct-marketing lists carry the
     * customer ids of those with consent and no opt-out. Offers are always direct marketing. */
    int32_t purpose;
    /* Who asked, for the audit log. NULL (default): "custclass". */
    const char* actor;
} custclass_potential_options;

/* Fills *options with the defaults. Same rules as custclass_open_options_init. */
CUSTCLASS_API int32_t custclass_potential_options_init(custclass_potential_options* options,
                                                       uint32_t size);

/* One potential-customer result as a document of schema potential.schema.json (its `list`
 * member says which; lists of people are logged in the audit log before they are returned);
 * release it with custclass_free. options may be NULL (defaults). Serialised with full runs.
 * Fails with CUSTCLASS_E_INVALID_ARGUMENT (an unknown list or purpose, invalid UTF-8),
 * CUSTCLASS_E_NOT_FOUND (no such run or score; no succeeded run yet; what the list needs is
 * missing: look-alike targets, order lines, referrals), CUSTCLASS_E_PRIVACY (the policy refuses
 * the purpose, or pseudonyms are needed and the key is not set), CUSTCLASS_E_DATABASE,
 * CUSTCLASS_E_DATA. */
CUSTCLASS_API int32_t custclass_potential(char** potential_json, custclass_engine* engine,
                                          const custclass_potential_options* options);

#ifdef __cplusplus
}
#endif

#endif /* CUSTCLASS_H */
