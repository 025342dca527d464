/*
 * classify.c -- a C host of the custclass plugin, through dlopen.
 *
 * What a CRM written in C does with the plugin: load it at run time (so the CRM runs without it
 * and picks up a newer 1.x plugin without recompiling), check what it is, negotiate the ABI
 * minor version, open an engine on the administrator's custclass.yaml, run a classification as
 * of a date, ask for one customer's segments, release everything.
 *
 *     classify LIBRARY CONFIG AS_OF CUSTOMER_ID [DATA_DIR]
 *
 * Prints the plugin identity, then the run summary and the customer result as the JSON documents
 * the plugin returns, each after a "== ... ==" line. Exits 1 with the status name and the
 * plugin's message when anything fails, 2 on bad usage. Plain C99; only custclass.h is needed to
 * build it, not the library.
 */
#define _POSIX_C_SOURCE 200809L

#include "custclass.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

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

/* Opens the engine, runs, classifies the customer, prints the documents. */
static int classify(const struct plugin* p, const char* config, const char* as_of,
                    const char* customer_id, const char* data_dir)
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
    ok = 1;

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

    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: %s LIBRARY CONFIG AS_OF CUSTOMER_ID [DATA_DIR]\n", argv[0]);
        return 2;
    }
    ok = load_plugin(&p, argv[1]) && check_plugin(&p, &agreed_minor) &&
         classify(&p, argv[2], argv[3], argv[4], argc == 6 ? argv[5] : NULL);
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
