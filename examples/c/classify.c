/*
 * classify.c -- a C host of the custclass plugin, through dlopen.
 *
 * What a CRM written in C does with the plugin: load it at run time (so the CRM runs without it
 * and picks up a newer 1.x plugin without recompiling), check what it is, negotiate the ABI
 * minor version, open an engine on the administrator's custclass.yaml, run a classification as
 * of a date, ask for one customer's segments; then, as the CRM's own order screen does, write a
 * new order of that customer into the CRM's database, commit it, and tell the plugin
 * (custclass_order_posted, ABI 1.2), read the customer's new segment in one classification from
 * the returned document, and list the members of that segment for analytics and for direct
 * marketing (custclass_segment_members); then show the 80/20 focus list of the run, its three
 * largest spenders (custclass_potential, ABI 1.3); release everything.
 *
 *     classify LIBRARY CONFIG AS_OF CUSTOMER_ID DATABASE AMOUNT CLASSIFICATION [DATA_DIR]
 *
 * DATABASE is the CRM's SQLite database (the one CONFIG reads); the order goes into its table
 * sale (customer, at, total) as AMOUNT on AS_OF at noon, and gets the next id. CLASSIFICATION
 * names the classification whose segment the CRM shows (e.g. "lifecycle"). The analytics list
 * carries pseudonyms instead of ids (HMAC-SHA256 under the key in the environment variable the
 * privacy policy names, CUSTCLASS_PSEUDONYM_KEY by default) and is refused without the key; the
 * direct-marketing list is refused for a segment the rule set does not mark for it.
 *
 * Prints the plugin identity, then each document after a "== ... ==" line: the run summary, the
 * customer result, the order written, the customer result after the order, the segment change
 * ("CLASSIFICATION: OLD -> NEW"), per purpose the member ids (one a line) and the members
 * summary, and the focus list ("potential focus", for analytics: pseudonyms, like the analytics
 * member list; it reads the host's data as of the run's date, so it counts the order just
 * posted). A plugin older than ABI 1.3 has no focus list: the host says so on standard error and
 * shows none. Exits 1 with the status name and the plugin's message when anything fails (with
 * SQLite's message when the database does), 2 on bad usage. Plain C99; custclass.h is needed to
 * build it, not the library; sqlite3 is linked, as the CRM's own database library.
 */
#define _POSIX_C_SOURCE 200809L

#include "custclass.h"

#include <dlfcn.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ABI minor version that brought the hooks this host calls. */
#define HOOKS_ABI_MINOR 2
/* The ABI minor version that brought the potential-customer lists (custclass_potential). */
#define POTENTIAL_ABI_MINOR 3
/* How many customers of the focus list the host shows. */
#define FOCUS_LIMIT 3

/* Function pointer types of the entry points this host uses. */
typedef const custclass_plugin_info_t* (*plugin_info_fn)(void);
typedef int32_t (*abi_negotiate_fn)(uint32_t, uint32_t*);
typedef const char* (*status_name_fn)(int32_t);
typedef const char* (*last_error_fn)(const custclass_engine*);
typedef const char* (*last_error_global_fn)(void);
typedef void (*free_fn)(void*);
typedef int32_t (*open_options_init_fn)(custclass_open_options*, uint32_t);
typedef int32_t (*engine_open_fn)(custclass_engine**, const char*, const custclass_open_options*);
typedef int32_t (*engine_close_fn)(custclass_engine*);
typedef int32_t (*run_options_init_fn)(custclass_run_options*, uint32_t);
typedef int32_t (*run_fn)(char**, custclass_engine*, const custclass_run_options*);
typedef int32_t (*classify_customer_fn)(char**, custclass_engine*, const char*,
                                        const custclass_run_options*);
/* ABI 1.2 */
typedef int32_t (*customer_changed_fn)(char**, custclass_engine*, const char*,
                                       const custclass_run_options*);
typedef int32_t (*order_posted_fn)(char**, custclass_engine*, const char*, const char*,
                                   const custclass_run_options*);
typedef int32_t (*members_options_init_fn)(custclass_members_options*, uint32_t);
typedef int32_t (*segment_members_fn)(char**, custclass_engine*, const char*,
                                      const custclass_members_options*, custclass_member_fn,
                                      void*);
/* ABI 1.3 */
typedef int32_t (*potential_options_init_fn)(custclass_potential_options*, uint32_t);
typedef int32_t (*potential_fn)(char**, custclass_engine*, const custclass_potential_options*);

/* Each type above must match the declaration in custclass.h. Comparing pointers to incompatible
 * function types is a constraint violation, so a mismatch fails the build; sizeof does not
 * evaluate its operand, so no reference to the library's symbols is emitted. */
#define MATCHES_HEADER(function, type) \
    typedef char function##_matches_header[sizeof(&function == (type)0)]
MATCHES_HEADER(custclass_plugin_info, plugin_info_fn);
MATCHES_HEADER(custclass_abi_negotiate, abi_negotiate_fn);
MATCHES_HEADER(custclass_status_name, status_name_fn);
MATCHES_HEADER(custclass_last_error, last_error_fn);
MATCHES_HEADER(custclass_last_error_global, last_error_global_fn);
MATCHES_HEADER(custclass_free, free_fn);
MATCHES_HEADER(custclass_open_options_init, open_options_init_fn);
MATCHES_HEADER(custclass_engine_open, engine_open_fn);
MATCHES_HEADER(custclass_engine_close, engine_close_fn);
MATCHES_HEADER(custclass_run_options_init, run_options_init_fn);
MATCHES_HEADER(custclass_run, run_fn);
MATCHES_HEADER(custclass_classify_customer, classify_customer_fn);
MATCHES_HEADER(custclass_customer_changed, customer_changed_fn);
MATCHES_HEADER(custclass_order_posted, order_posted_fn);
MATCHES_HEADER(custclass_members_options_init, members_options_init_fn);
MATCHES_HEADER(custclass_segment_members, segment_members_fn);
MATCHES_HEADER(custclass_potential_options_init, potential_options_init_fn);
MATCHES_HEADER(custclass_potential, potential_fn);

/* The plugin's entry points, resolved by name. */
struct plugin {
    void* library;
    plugin_info_fn plugin_info;
    abi_negotiate_fn abi_negotiate;
    status_name_fn status_name;
    last_error_fn last_error;
    last_error_global_fn last_error_global;
    free_fn free_memory;
    open_options_init_fn open_options_init;
    engine_open_fn engine_open;
    engine_close_fn engine_close;
    run_options_init_fn run_options_init;
    run_fn run;
    classify_customer_fn classify_customer;
    /* ABI 1.2: resolved once the plugin agrees to it (load_hooks). customer_changed is not
     * called here; a CRM calls it when a customer record is saved. */
    customer_changed_fn customer_changed;
    order_posted_fn order_posted;
    members_options_init_fn members_options_init;
    segment_members_fn segment_members;
    /* ABI 1.3: resolved once the plugin agrees to it (load_potential); NULL with an older
     * plugin, which has no focus list to show. */
    potential_options_init_fn potential_options_init;
    potential_fn potential;
};

/* Resolves one symbol into a function pointer. ISO C has no conversion from the void* that dlsym
 * returns to a function pointer; POSIX guarantees the representations agree, so copy the bytes. */
static int resolve(void* library, const char* name, void* function_pointer, size_t size)
{
    void* symbol;
    dlerror();
    symbol = dlsym(library, name);
    if (symbol == NULL) {
        const char* why = dlerror();
        fprintf(stderr, "classify: the plugin has no %s: %s\n", name, why ? why : "NULL symbol");
        return 0;
    }
    memcpy(function_pointer, &symbol, size);
    return 1;
}

#define RESOLVE(p, field, name) resolve((p)->library, name, &(p)->field, sizeof (p)->field)

static int load_plugin(struct plugin* p, const char* path)
{
    memset(p, 0, sizeof *p);
    p->library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (p->library == NULL) {
        fprintf(stderr, "classify: cannot load %s: %s\n", path, dlerror());
        return 0;
    }
    return RESOLVE(p, plugin_info, "custclass_plugin_info") &&
           RESOLVE(p, abi_negotiate, "custclass_abi_negotiate") &&
           RESOLVE(p, status_name, "custclass_status_name") &&
           RESOLVE(p, last_error, "custclass_last_error") &&
           RESOLVE(p, last_error_global, "custclass_last_error_global") &&
           RESOLVE(p, free_memory, "custclass_free") &&
           RESOLVE(p, open_options_init, "custclass_open_options_init") &&
           RESOLVE(p, engine_open, "custclass_engine_open") &&
           RESOLVE(p, engine_close, "custclass_engine_close") &&
           RESOLVE(p, run_options_init, "custclass_run_options_init") &&
           RESOLVE(p, run, "custclass_run") &&
           RESOLVE(p, classify_customer, "custclass_classify_customer");
}

/* The functions of ABI 1.2, which an older 1.x plugin does not have: looked up only once the
 * plugin agreed to minor 2. */
static int load_hooks(struct plugin* p, uint32_t agreed_minor)
{
    if (agreed_minor < HOOKS_ABI_MINOR) {
        fprintf(stderr,
                "classify: the plugin provides ABI 1.%u; the hooks this host calls need 1.%d: "
                "install a newer plugin\n",
                (unsigned)agreed_minor, HOOKS_ABI_MINOR);
        return 0;
    }
    return RESOLVE(p, customer_changed, "custclass_customer_changed") &&
           RESOLVE(p, order_posted, "custclass_order_posted") &&
           RESOLVE(p, members_options_init, "custclass_members_options_init") &&
           RESOLVE(p, segment_members, "custclass_segment_members");
}

/* The functions of ABI 1.3, looked up only once the plugin agreed to minor 3. With an older
 * plugin the host works without them: it shows no focus list, and says so. */
static int load_potential(struct plugin* p, uint32_t agreed_minor)
{
    if (agreed_minor < POTENTIAL_ABI_MINOR) {
        fprintf(stderr,
                "classify: the plugin provides ABI 1.%u; the focus list needs 1.%d: not shown\n",
                (unsigned)agreed_minor, POTENTIAL_ABI_MINOR);
        return 1;
    }
    return RESOLVE(p, potential_options_init, "custclass_potential_options_init") &&
           RESOLVE(p, potential, "custclass_potential");
}

/* Reports a failed call with the status name and the plugin's message. engine NULL: the call
 * had no engine, so the message is the calling thread's global one. */
static void report(const struct plugin* p, const char* function, int32_t status,
                   const custclass_engine* engine)
{
    const char* message = engine ? p->last_error(engine) : p->last_error_global();
    fprintf(stderr, "classify: %s failed: %s (%d): %s\n", function, p->status_name(status),
            (int)status, message ? message : "(no message)");
}

/* Log lines from the plugin go to standard error. */
static void log_line(void* user, int32_t level, const char* message)
{
    (void)user;
    fprintf(stderr, "log[%d]: %s\n", (int)level, message);
}

/* Checks the plugin identity and settles the ABI minor version. */
static int check_plugin(const struct plugin* p, uint32_t* agreed_minor)
{
    const custclass_plugin_info_t* info = p->plugin_info();
    int32_t status;
    if (info == NULL) {
        fprintf(stderr, "classify: custclass_plugin_info returned NULL\n");
        return 0;
    }
    /* Read only what the plugin says its struct holds. */
    if (info->struct_size < offsetof(custclass_plugin_info_t, build_id) + sizeof info->build_id) {
        fprintf(stderr, "classify: plugin info too small (%u bytes)\n", (unsigned)info->struct_size);
        return 0;
    }
    if (info->abi_major != CUSTCLASS_ABI_MAJOR) {
        fprintf(stderr, "classify: plugin ABI major %u, this host needs %d\n",
                (unsigned)info->abi_major, CUSTCLASS_ABI_MAJOR);
        return 0;
    }
    if (info->pointer_size != sizeof(void*)) {
        fprintf(stderr, "classify: plugin built with %u-byte pointers, this host has %u\n",
                (unsigned)info->pointer_size, (unsigned)sizeof(void*));
        return 0;
    }
    status = p->abi_negotiate(CUSTCLASS_ABI_MINOR, agreed_minor);
    if (status != CUSTCLASS_OK) {
        report(p, "custclass_abi_negotiate", status, NULL);
        return 0;
    }
    printf("plugin: %s %s, ABI %u.%u, agreed minor %u, build %s\n", info->name, info->version,
           (unsigned)info->abi_major, (unsigned)info->abi_minor, (unsigned)*agreed_minor,
           info->build_id);
    return 1;
}

/* ---- Reading the plugin's JSON documents -------------------------------------------------
 * A CRM in C has its own JSON library; this example needs only a few members, so a small reader
 * that skips what it does not need is enough. Each function takes a pointer into the document
 * and returns the position after what it read, or NULL when the text is not JSON. */

#define JSON_MAX_DEPTH 64

static const char* json_ws(const char* p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
    return p;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads the string at p (at its opening quote) into out (UTF-8, NUL-terminated; out may be NULL
 * to skip it). Fails when it does not fit in size bytes. */
static const char* json_string(const char* p, char* out, size_t size)
{
    size_t n = 0;
    if (*p != '"') return NULL;
    ++p;
    for (;;) {
        unsigned long c = (unsigned char)*p++;
        char utf8[4];
        size_t length = 1, i;
        if (c == '\0' || c < 0x20) return NULL;
        if (c == '"') break;
        if (c == '\\') {
            c = (unsigned char)*p++;
            switch (c) {
                case '"': case '\\': case '/': break;
                case 'b': c = '\b'; break;
                case 'f': c = '\f'; break;
                case 'n': c = '\n'; break;
                case 'r': c = '\r'; break;
                case 't': c = '\t'; break;
                case 'u': {
                    int d0 = hex_value(p[0]), d1, d2, d3;
                    if (d0 < 0 || (d1 = hex_value(p[1])) < 0 || (d2 = hex_value(p[2])) < 0 ||
                        (d3 = hex_value(p[3])) < 0)
                        return NULL;
                    c = ((unsigned long)d0 << 12) | ((unsigned long)d1 << 8) |
                        ((unsigned long)d2 << 4) | (unsigned long)d3;
                    p += 4;
                    if (c >= 0xD800 && c <= 0xDFFF) return NULL; /* pairs: not needed here */
                    if (c >= 0x800) {
                        utf8[0] = (char)(0xE0 | (c >> 12));
                        utf8[1] = (char)(0x80 | ((c >> 6) & 0x3F));
                        utf8[2] = (char)(0x80 | (c & 0x3F));
                        length = 3;
                    } else if (c >= 0x80) {
                        utf8[0] = (char)(0xC0 | (c >> 6));
                        utf8[1] = (char)(0x80 | (c & 0x3F));
                        length = 2;
                    }
                    break;
                }
                default: return NULL;
            }
        }
        if (length == 1) utf8[0] = (char)c;
        if (out != NULL) {
            if (n + length >= size) return NULL;
            for (i = 0; i < length; ++i) out[n++] = utf8[i];
        }
    }
    if (out != NULL) out[n] = '\0';
    return p;
}

/* Skips the value at p (after white space). */
static const char* json_skip(const char* p, int depth)
{
    p = json_ws(p);
    if (depth > JSON_MAX_DEPTH) return NULL;
    if (*p == '"') return json_string(p, NULL, 0);
    if (*p == '{' || *p == '[') {
        const char close = *p == '{' ? '}' : ']';
        p = json_ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                p = json_string(json_ws(p), NULL, 0);
                if (p == NULL) return NULL;
                p = json_ws(p);
                if (*p++ != ':') return NULL;
            }
            p = json_skip(p, depth + 1);
            if (p == NULL) return NULL;
            p = json_ws(p);
            if (*p == close) return p + 1;
            if (*p++ != ',') return NULL;
        }
    }
    if (strncmp(p, "true", 4) == 0) return p + 4;
    if (strncmp(p, "false", 5) == 0) return p + 5;
    if (strncmp(p, "null", 4) == 0) return p + 4;
    if (*p == '-' || (*p >= '0' && *p <= '9')) {
        const char* start = p;
        ++p;
        while ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' || *p == '+' ||
               *p == '-')
            ++p;
        return p > start ? p : NULL;
    }
    return NULL;
}

/* The value of member `key` of the object at p, or NULL when p is not an object or has no such
 * member. */
static const char* json_member(const char* p, const char* key)
{
    char name[256];
    if (p == NULL) return NULL;
    p = json_ws(p);
    if (*p != '{') return NULL;
    p = json_ws(p + 1);
    if (*p == '}') return NULL;
    for (;;) {
        p = json_string(json_ws(p), name, sizeof name);
        if (p == NULL) return NULL;
        p = json_ws(p);
        if (*p++ != ':') return NULL;
        p = json_ws(p);
        if (strcmp(name, key) == 0) return p;
        p = json_skip(p, 1);
        if (p == NULL) return NULL;
        p = json_ws(p);
        if (*p++ != ',') return NULL;
    }
}

/* The segment of `classification` in a customer result document (customer_result.schema.json):
 * 1 with the segment in out, 0 when the customer is unclassified there (null), -1 when the
 * document has no such classification. */
static int segment_of(const char* document, const char* classification, char* out, size_t size)
{
    const char* value =
        json_member(json_member(json_member(document, "classifications"), classification),
                    "segment");
    if (value == NULL) return -1;
    if (strncmp(value, "null", 4) == 0) return 0;
    return json_string(value, out, size) != NULL ? 1 : -1;
}

/* The non-negative integer member `key` of a document, or -1. */
static long integer_member(const char* document, const char* key)
{
    const char* value = json_member(document, key);
    char* end;
    long n;
    if (value == NULL || *value < '0' || *value > '9') return -1;
    n = strtol(value, &end, 10);
    return end != value ? n : -1;
}

/* Prints text as a JSON string. */
static void print_json_string(const char* text)
{
    const unsigned char* c;
    putchar('"');
    for (c = (const unsigned char*)text; *c != '\0'; ++c) {
        if (*c == '"' || *c == '\\')
            printf("\\%c", *c);
        else if (*c < 0x20)
            printf("\\u%04x", (unsigned)*c);
        else
            putchar(*c);
    }
    putchar('"');
}

/* ---- The CRM's own database ----------------------------------------------------------------
 * The order is written and committed by the CRM before it tells the plugin: the plugin reads
 * the order from the database (custclass_order_posted fails with CUSTCLASS_E_NOT_FOUND when it
 * is not there yet). */

static void report_sqlite(sqlite3* db, const char* what, int rc)
{
    fprintf(stderr, "classify: %s failed: %s (%d): %s\n", what, sqlite3_errstr(rc), rc,
            db != NULL ? sqlite3_errmsg(db) : "(no connection)");
}

/* Inserts the sale (autocommit: committed when sqlite3_step returns) and sets order_id to its id
 * as text. */
static int insert_order(const char* database, const char* customer_id, const char* ordered_at,
                        const char* amount, char* order_id, size_t order_id_size)
{
    sqlite3* db = NULL;
    sqlite3_stmt* insert = NULL;
    int ok = 0;
    int rc = sqlite3_open_v2(database, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        report_sqlite(db, "sqlite3_open_v2", rc);
        goto done;
    }
    /* The plugin may hold the database open in this process (its result store): wait for it. */
    rc = sqlite3_busy_timeout(db, 10000);
    if (rc != SQLITE_OK) {
        report_sqlite(db, "sqlite3_busy_timeout", rc);
        goto done;
    }
    rc = sqlite3_prepare_v2(db, "INSERT INTO sale (customer, at, total) VALUES (?1, ?2, ?3)", -1,
                            &insert, NULL);
    if (rc != SQLITE_OK) {
        report_sqlite(db, "sqlite3_prepare_v2(INSERT INTO sale)", rc);
        goto done;
    }
    if ((rc = sqlite3_bind_text(insert, 1, customer_id, -1, SQLITE_TRANSIENT)) != SQLITE_OK ||
        (rc = sqlite3_bind_text(insert, 2, ordered_at, -1, SQLITE_TRANSIENT)) != SQLITE_OK ||
        (rc = sqlite3_bind_text(insert, 3, amount, -1, SQLITE_TRANSIENT)) != SQLITE_OK) {
        report_sqlite(db, "sqlite3_bind_text", rc);
        goto done;
    }
    rc = sqlite3_step(insert);
    if (rc != SQLITE_DONE) {
        report_sqlite(db, "sqlite3_step(INSERT INTO sale)", rc);
        goto done;
    }
    if (snprintf(order_id, order_id_size, "%lld", (long long)sqlite3_last_insert_rowid(db)) >=
        (int)order_id_size) {
        fprintf(stderr, "classify: the order id does not fit\n");
        goto done;
    }
    ok = 1;

done:
    rc = sqlite3_finalize(insert); /* NULL is a no-op */
    if (ok && rc != SQLITE_OK) {
        report_sqlite(db, "sqlite3_finalize", rc);
        ok = 0;
    }
    rc = sqlite3_close(db); /* NULL is a no-op */
    if (rc != SQLITE_OK) {
        report_sqlite(db, "sqlite3_close", rc);
        ok = 0;
    }
    return ok;
}

/* ---- Member lists -------------------------------------------------------------------------- */

/* What the member callback gets as its user pointer. */
struct member_list {
    unsigned long count;
};

/* Prints one member id a line. Returning non-zero would stop the stream. */
static int32_t print_member(void* user, const char* customer_id)
{
    struct member_list* list = (struct member_list*)user;
    ++list->count;
    return printf("%s\n", customer_id) < 0 ? 1 : 0;
}

/* Streams the members of classification/segment for one purpose, prints them and the summary,
 * and checks that the summary counts what was streamed. */
static int list_members(const struct plugin* p, custclass_engine* engine,
                        const char* classification, const char* segment, int32_t purpose,
                        const char* purpose_name)
{
    custclass_members_options options;
    struct member_list list;
    char* summary = NULL;
    long streamed;
    int32_t status;

    status = p->members_options_init(&options, (uint32_t)sizeof options);
    if (status != CUSTCLASS_OK) {
        report(p, "custclass_members_options_init", status, NULL);
        return 0;
    }
    options.classification = classification;
    options.purpose = purpose;
    options.actor = "examples/c/classify";

    list.count = 0;
    printf("== members %s/%s %s ==\n", classification, segment, purpose_name);
    status = p->segment_members(&summary, engine, segment, &options, print_member, &list);
    if (status != CUSTCLASS_OK) {
        report(p, "custclass_segment_members", status, engine);
        p->free_memory(summary);
        return 0;
    }
    printf("== members summary %s/%s %s ==\n%s\n", classification, segment, purpose_name,
           summary);
    streamed = integer_member(summary, "streamed");
    p->free_memory(summary);
    if (streamed < 0 || (unsigned long)streamed != list.count) {
        fprintf(stderr, "classify: custclass_segment_members streamed %lu members, its summary "
                        "says %ld\n", list.count, streamed);
        return 0;
    }
    return 1;
}

/* What the order screen does once the CRM committed the order: tells the plugin, reads the
 * customer's new segment, lists that segment's members. before: the customer result before. */
static int post_order(const struct plugin* p, custclass_engine* engine,
                      const custclass_run_options* run_options, const char* before,
                      const char* customer_id, const char* database, const char* as_of,
                      const char* amount, const char* classification)
{
    char ordered_at[64];
    char order_id[32];
    char old_segment[256];
    char new_segment[256];
    char* result = NULL;
    int had, has;
    int32_t status;

    had = segment_of(before, classification, old_segment, sizeof old_segment);
    if (had < 0) {
        fprintf(stderr, "classify: the customer result has no classification %s\n",
                classification);
        return 0;
    }
    if (snprintf(ordered_at, sizeof ordered_at, "%s 12:00:00", as_of) >= (int)sizeof ordered_at) {
        fprintf(stderr, "classify: AS_OF is too long\n");
        return 0;
    }
    if (!insert_order(database, customer_id, ordered_at, amount, order_id, sizeof order_id))
        return 0;
    printf("== order inserted ==\n{\"order_id\": ");
    print_json_string(order_id);
    printf(", \"customer_id\": ");
    print_json_string(customer_id);
    printf(", \"ordered_at\": ");
    print_json_string(ordered_at);
    printf(", \"amount\": ");
    print_json_string(amount);
    printf("}\n");

    status = p->order_posted(&result, engine, customer_id, order_id, run_options);
    if (status != CUSTCLASS_OK) {
        report(p, "custclass_order_posted", status, engine);
        return 0;
    }
    printf("== order posted ==\n%s\n", result);
    has = segment_of(result, classification, new_segment, sizeof new_segment);
    p->free_memory(result);
    if (has < 0) {
        fprintf(stderr, "classify: the order-posted result has no classification %s\n",
                classification);
        return 0;
    }
    printf("== segment change ==\n%s: %s -> %s\n", classification,
           had ? old_segment : "(unclassified)", has ? new_segment : "(unclassified)");
    if (!has) return 1; /* no segment, no members to list */

    return list_members(p, engine, classification, new_segment, CUSTCLASS_PURPOSE_ANALYTICS,
                        "analytics") &&
           list_members(p, engine, classification, new_segment,
                        CUSTCLASS_PURPOSE_DIRECT_MARKETING, "direct_marketing");
}

/* The 80/20 focus list of the engine's last run (custclass_potential, list "focus"): the share
 * of customers that brings 80% of the revenue, the curve, and its first FOCUS_LIMIT customers,
 * for analytics. Nothing with a plugin older than ABI 1.3 (load_potential said so). */
static int show_focus(const struct plugin* p, custclass_engine* engine)
{
    custclass_potential_options options;
    char* document = NULL;
    int32_t status;

    if (p->potential == NULL) return 1;
    status = p->potential_options_init(&options, (uint32_t)sizeof options);
    if (status != CUSTCLASS_OK) {
        report(p, "custclass_potential_options_init", status, NULL);
        return 0;
    }
    options.list = "focus";
    options.limit = FOCUS_LIMIT;
    options.purpose = CUSTCLASS_PURPOSE_ANALYTICS;
    options.actor = "examples/c/classify";
    status = p->potential(&document, engine, &options);
    if (status != CUSTCLASS_OK) {
        report(p, "custclass_potential", status, engine);
        p->free_memory(document); /* NULL after a failure; freeing it is harmless */
        return 0;
    }
    printf("== potential focus ==\n%s\n", document);
    p->free_memory(document);
    return 1;
}

/* Opens the engine, runs, classifies the customer, posts an order, lists members, shows the
 * focus list, prints the documents. */
static int classify(const struct plugin* p, const char* config, const char* as_of,
                    const char* customer_id, const char* database, const char* amount,
                    const char* classification, const char* data_dir)
{
    custclass_open_options open_options;
    custclass_run_options run_options;
    custclass_engine* engine = NULL;
    char* summary = NULL;
    char* result = NULL;
    int32_t status;
    int ok = 0;

    status = p->open_options_init(&open_options, (uint32_t)sizeof open_options);
    if (status != CUSTCLASS_OK) {
        report(p, "custclass_open_options_init", status, NULL);
        return 0;
    }
    open_options.data_dir = data_dir;
    status = p->engine_open(&engine, config, &open_options);
    if (status != CUSTCLASS_OK) {
        report(p, "custclass_engine_open", status, NULL);
        return 0;
    }

    status = p->run_options_init(&run_options, (uint32_t)sizeof run_options);
    if (status != CUSTCLASS_OK) {
        report(p, "custclass_run_options_init", status, NULL);
        goto done;
    }
    run_options.as_of = as_of;
    run_options.log = log_line;
    run_options.actor = "examples/c/classify"; /* who asked, for the audit log */

    status = p->run(&summary, engine, &run_options);
    if (status != CUSTCLASS_OK) {
        report(p, "custclass_run", status, engine);
        goto done;
    }
    printf("== run summary ==\n%s\n", summary);

    status = p->classify_customer(&result, engine, customer_id, &run_options);
    if (status != CUSTCLASS_OK) {
        report(p, "custclass_classify_customer", status, engine);
        goto done;
    }
    printf("== customer %s ==\n%s\n", customer_id, result);

    ok = post_order(p, engine, &run_options, result, customer_id, database, as_of, amount,
                    classification) &&
         show_focus(p, engine);

done:
    /* Plugin memory goes back to the plugin; custclass_free(NULL) is a no-op. */
    p->free_memory(summary);
    p->free_memory(result);
    status = p->engine_close(engine);
    if (status != CUSTCLASS_OK) {
        report(p, "custclass_engine_close", status, NULL);
        ok = 0;
    }
    return ok;
}

int main(int argc, char** argv)
{
    struct plugin p;
    uint32_t agreed_minor = 0;
    int ok;

    if (argc != 8 && argc != 9) {
        fprintf(stderr,
                "usage: %s LIBRARY CONFIG AS_OF CUSTOMER_ID DATABASE AMOUNT CLASSIFICATION "
                "[DATA_DIR]\n",
                argv[0]);
        return 2;
    }
    ok = load_plugin(&p, argv[1]) && check_plugin(&p, &agreed_minor) &&
         load_hooks(&p, agreed_minor) && load_potential(&p, agreed_minor) &&
         classify(&p, argv[2], argv[3], argv[4], argv[5], argv[6], argv[7],
                  argc == 9 ? argv[8] : NULL);
    if (fflush(stdout) != 0) {
        perror("classify: stdout");
        ok = 0;
    }
    if (p.library != NULL && dlclose(p.library) != 0) {
        fprintf(stderr, "classify: dlclose: %s\n", dlerror());
        ok = 0;
    }
    return ok ? 0 : 1;
}
