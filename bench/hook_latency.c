/*
 * hook_latency.c -- P4 and P7 of PERFORMANCE.md: the latency of the incremental hook as a host
 * sees it.
 *
 * A host written in C: loads the plugin with dlopen, negotiates ABI 1.2, opens an engine on
 * CONFIG, and has THREADS threads call custclass_customer_changed(customer, as_of = AS_OF) CALLS
 * times each, every call timed with clock_gettime(CLOCK_MONOTONIC). custclass_customer_changed
 * re-classifies the customer exactly as custclass_order_posted does (without the check that a
 * named order exists), so it is the hook measured.
 *
 *     custclass_hook_bench CONFIG AS_OF --plugin LIBRARY (--ids-file FILE | --ids-db SQLITE_FILE
 *                          [--ids-query SQL]) [options]
 *
 *   --plugin LIBRARY      the plugin to load (libcustclass.so.1)
 *   --data-dir DIR        the directory of the shipped YAML files (open option data_dir)
 *   --ids-file FILE       the customer ids to use, one a line
 *   --ids-db FILE         or read them from the host's SQLite database with --ids-query (default:
 *                         every 997th customer code of the demo schema, in id order, so the same
 *                         customers on every run and on every database loaded from that file)
 *   --calls N             timed hook calls per thread (default 2000)
 *   --threads N           hook threads (default 1)
 *   --warmup N            untimed calls per thread first, to open each thread's connections
 *                         (default 5); the first call of a hook connection opens the databases
 *   --interval-ms X       pause between two calls of a thread (default 0: back to back)
 *   --run-first           one full run (custclass_run) before anything else, timed
 *   --with-run            one more thread loops custclass_run meanwhile; the hook threads start
 *                         when the first of those runs has succeeded (a hook needs one), and the
 *                         run in progress when they are done is cancelled through its progress
 *                         callback (or, when it is writing its results, waited for)
 *   --run-dry-run         the looped runs write nothing (dry_run = 1)
 *
 * Customer i of thread t is ids[(t * CALLS + i) mod n], so that the threads work on different
 * customers; the warm-up calls use the same ids as the first timed calls.
 *
 * Prints one JSON line: threads, calls, errors (by status name), p50, p90, p99 and max in ms,
 * the wall time of the timed phase and the calls per second; with --with-run also the runs
 * (succeeded, cancelled, failed, their durations) and the figures of the calls by the phase the
 * run was in when each call began ("idle" between two runs, "publish" after the rules: writing
 * the results). Exits 1 when a call other than a hook fails (loading, opening, a first run), 2
 * on bad usage; failed hooks are counted, their first message per status printed on stderr.
 */
#define _POSIX_C_SOURCE 200809L

#include "custclass.h"

#include <dlfcn.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOOKS_ABI_MINOR 2
#define MAX_PHASES 16
#define MAX_STATUSES 16

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
typedef int32_t (*customer_changed_fn)(char**, custclass_engine*, const char*,
                                       const custclass_run_options*);

/* A mismatch between these types and custclass.h fails the build (see examples/c/classify.c). */
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
MATCHES_HEADER(custclass_customer_changed, customer_changed_fn);

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
    customer_changed_fn customer_changed;
};

static struct plugin P;

static int resolve(void* library, const char* name, void* function_pointer, size_t size)
{
    void* symbol;
    dlerror();
    symbol = dlsym(library, name);
    if (symbol == NULL) {
        const char* why = dlerror();
        fprintf(stderr, "hook_bench: the plugin has no %s: %s\n", name, why ? why : "NULL symbol");
        return 0;
    }
    memcpy(function_pointer, &symbol, size);
    return 1;
}

#define RESOLVE(field, name) resolve(P.library, name, &P.field, sizeof P.field)

static int load_plugin(const char* path)
{
    const custclass_plugin_info_t* info;
    uint32_t agreed = 0;
    P.library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (P.library == NULL) {
        fprintf(stderr, "hook_bench: cannot load %s: %s\n", path, dlerror());
        return 0;
    }
    if (!(RESOLVE(plugin_info, "custclass_plugin_info") &&
          RESOLVE(abi_negotiate, "custclass_abi_negotiate") &&
          RESOLVE(status_name, "custclass_status_name") &&
          RESOLVE(last_error, "custclass_last_error") &&
          RESOLVE(last_error_global, "custclass_last_error_global") &&
          RESOLVE(free_memory, "custclass_free") &&
          RESOLVE(open_options_init, "custclass_open_options_init") &&
          RESOLVE(engine_open, "custclass_engine_open") &&
          RESOLVE(engine_close, "custclass_engine_close") &&
          RESOLVE(run_options_init, "custclass_run_options_init") && RESOLVE(run, "custclass_run")))
        return 0;
    info = P.plugin_info();
    if (info == NULL || info->abi_major != CUSTCLASS_ABI_MAJOR) {
        fprintf(stderr, "hook_bench: the plugin is not of ABI major %d\n", CUSTCLASS_ABI_MAJOR);
        return 0;
    }
    if (P.abi_negotiate(CUSTCLASS_ABI_MINOR, &agreed) != CUSTCLASS_OK || agreed < HOOKS_ABI_MINOR) {
        fprintf(stderr, "hook_bench: the plugin provides ABI 1.%u; the hooks need 1.%d\n",
                (unsigned)agreed, HOOKS_ABI_MINOR);
        return 0;
    }
    return RESOLVE(customer_changed, "custclass_customer_changed");
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void sleep_ms(double ms)
{
    struct timespec t;
    if (ms <= 0) return;
    t.tv_sec = (time_t)(ms / 1e3);
    t.tv_nsec = (long)((ms - (double)t.tv_sec * 1e3) * 1e6);
    nanosleep(&t, NULL);
}

/* --- options and customer ids ----------------------------------------------------------------- */

static const char* config_path;
static const char* as_of;
static const char* data_dir;
static long calls = 2000, threads = 1, warmup = 5;
static double interval_ms = 0;
static int run_first = 0, with_run = 0, run_dry = 0;

static char** ids;
static size_t n_ids, cap_ids;

static int add_id(const char* text, size_t length)
{
    char* copy;
    while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r' ||
                          text[length - 1] == ' '))
        --length;
    if (length == 0) return 1;
    if (n_ids == cap_ids) {
        size_t cap = cap_ids ? cap_ids * 2 : 1024;
        char** grown = realloc(ids, cap * sizeof *ids);
        if (grown == NULL) return 0;
        ids = grown;
        cap_ids = cap;
    }
    copy = malloc(length + 1);
    if (copy == NULL) return 0;
    memcpy(copy, text, length);
    copy[length] = '\0';
    ids[n_ids++] = copy;
    return 1;
}

static int read_ids_file(const char* path)
{
    char line[512];
    FILE* f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        return 0;
    }
    while (fgets(line, sizeof line, f) != NULL)
        if (!add_id(line, strlen(line))) {
            fclose(f);
            return 0;
        }
    fclose(f);
    return 1;
}

static int read_ids_db(const char* path, const char* query)
{
    sqlite3* db = NULL;
    sqlite3_stmt* st = NULL;
    int rc, ok = 1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, query, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "hook_bench: %s: %s\n", path, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return 0;
    }
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char* text = sqlite3_column_text(st, 0);
        if (text != NULL) ok = add_id((const char*)text, (size_t)sqlite3_column_bytes(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ok;
}

/* --- the full runs ------------------------------------------------------------------------------ */

/* What the looping run is doing, read by the hook threads when a call begins. */
static pthread_mutex_t state_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t state_cond = PTHREAD_COND_INITIALIZER;
static char phase_names[MAX_PHASES][32] = {"idle", "publish"};
static int n_phases = 2;
static int current_phase = 0; /* index into phase_names */
static int runs_succeeded = 0, runs_cancelled = 0, runs_failed = 0, first_run_done = 0;
static int stop_runs = 0;
static double run_ms[64];
static int n_run_ms = 0;
static int run_status_failed = CUSTCLASS_OK;

static int32_t run_progress(void* user, const char* phase, uint64_t done, uint64_t total)
{
    int i, stop;
    (void)user;
    (void)done;
    (void)total;
    pthread_mutex_lock(&state_mutex);
    for (i = 0; i < n_phases && strcmp(phase_names[i], phase) != 0; ++i) {
    }
    if (i == n_phases && n_phases < MAX_PHASES) {
        strncpy(phase_names[i], phase, sizeof phase_names[i] - 1);
        ++n_phases;
    }
    /* After the rules come the results being written, with no more progress calls. */
    current_phase = strcmp(phase, "rules") == 0 ? 1 : (i < MAX_PHASES ? i : 0);
    stop = stop_runs;
    pthread_mutex_unlock(&state_mutex);
    return stop;
}

static void* run_loop(void* engine)
{
    custclass_run_options options;
    P.run_options_init(&options, (uint32_t)sizeof options);
    options.as_of = as_of;
    options.dry_run = run_dry;
    options.progress = run_progress;
    options.actor = "hook_bench";
    for (;;) {
        char* summary = NULL;
        double started = now_ms(), took;
        int32_t status;
        pthread_mutex_lock(&state_mutex);
        if (stop_runs) {
            pthread_mutex_unlock(&state_mutex);
            break;
        }
        pthread_mutex_unlock(&state_mutex);
        status = P.run(&summary, (custclass_engine*)engine, &options);
        took = now_ms() - started;
        P.free_memory(summary);
        pthread_mutex_lock(&state_mutex);
        current_phase = 0;
        if (status == CUSTCLASS_OK) {
            ++runs_succeeded;
            if (n_run_ms < 64) run_ms[n_run_ms++] = took;
            first_run_done = 1;
        } else if (status == CUSTCLASS_E_CANCELLED) {
            ++runs_cancelled;
        } else {
            ++runs_failed;
            run_status_failed = status;
            fprintf(stderr, "hook_bench: a full run failed: %s: %s\n", P.status_name(status),
                    P.last_error((custclass_engine*)engine));
        }
        pthread_cond_broadcast(&state_cond);
        /* Nothing to wait for when no run can succeed: the hook threads are told below. */
        if (status != CUSTCLASS_OK && status != CUSTCLASS_E_CANCELLED && !first_run_done) {
            pthread_mutex_unlock(&state_mutex);
            break;
        }
        pthread_mutex_unlock(&state_mutex);
    }
    return NULL;
}

/* --- the hook threads -------------------------------------------------------------------------- */

struct worker {
    pthread_t thread;
    long index;
    custclass_engine* engine;
    double* latency; /* calls entries */
    unsigned char* phase;
    int32_t* status;
};

static void* hook_loop(void* arg)
{
    struct worker* w = arg;
    custclass_run_options options;
    long i;
    P.run_options_init(&options, (uint32_t)sizeof options);
    options.as_of = as_of;
    options.actor = "hook_bench";
    for (i = 0; i < warmup; ++i) {
        char* result = NULL;
        P.customer_changed(&result, w->engine, ids[(size_t)(w->index * calls + i) % n_ids],
                           &options);
        P.free_memory(result);
    }
    for (i = 0; i < calls; ++i) {
        const char* id = ids[(size_t)(w->index * calls + i) % n_ids];
        char* result = NULL;
        double started;
        int32_t status;
        pthread_mutex_lock(&state_mutex);
        w->phase[i] = (unsigned char)current_phase;
        pthread_mutex_unlock(&state_mutex);
        started = now_ms();
        status = P.customer_changed(&result, w->engine, id, &options);
        w->latency[i] = now_ms() - started;
        w->status[i] = status;
        if (status != CUSTCLASS_OK) {
            static int reported[MAX_STATUSES];
            int slot = -status < MAX_STATUSES && status < 0 ? -status : 0;
            pthread_mutex_lock(&state_mutex);
            if (!reported[slot]) {
                reported[slot] = 1;
                fprintf(stderr, "hook_bench: customer %s: %s: %s\n", id, P.status_name(status),
                        P.last_error(w->engine));
            }
            pthread_mutex_unlock(&state_mutex);
        }
        P.free_memory(result);
        sleep_ms(interval_ms);
    }
    return NULL;
}

/* --- figures ------------------------------------------------------------------------------------ */

static int compare_doubles(const void* a, const void* b)
{
    const double x = *(const double*)a, y = *(const double*)b;
    return x < y ? -1 : x > y;
}

/* The nearest-rank percentile of sorted values. */
static double percentile(const double* sorted, size_t n, double q)
{
    size_t rank;
    if (n == 0) return 0;
    rank = (size_t)(q * (double)n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

static void print_figures(const char* prefix, double* values, size_t n)
{
    qsort(values, n, sizeof *values, compare_doubles);
    printf("%s\"count\":%lu,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f", prefix,
           (unsigned long)n, percentile(values, n, 0.50), percentile(values, n, 0.90),
           percentile(values, n, 0.99), n ? values[n - 1] : 0.0);
}

static int usage(void)
{
    fprintf(stderr,
            "usage: custclass_hook_bench CONFIG AS_OF --plugin LIBRARY (--ids-file FILE | --ids-db "
            "FILE [--ids-query SQL])\n"
            "       [--data-dir DIR] [--calls N] [--threads N] [--warmup N] [--interval-ms X]\n"
            "       [--run-first] [--with-run] [--run-dry-run]\n");
    return 2;
}

static int number(const char* text, long minimum, long* out)
{
    char* end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < minimum) return 0;
    *out = v;
    return 1;
}

int main(int argc, char** argv)
{
    const char* plugin_path = NULL;
    const char* ids_file = NULL;
    const char* ids_db = NULL;
    const char* ids_query =
        "SELECT code FROM customer WHERE id % 997 = 1 ORDER BY id";
    custclass_open_options open_options;
    custclass_engine* engine = NULL;
    struct worker* workers;
    pthread_t runner;
    double *all, started, wall;
    size_t total, k, errors = 0;
    long errors_by_status[MAX_STATUSES];
    int i, positional = 0, first_status;
    int32_t status;

    for (i = 1; i < argc; ++i) {
        const char* a = argv[i];
        const char* v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--plugin") == 0 && v) plugin_path = argv[++i];
        else if (strcmp(a, "--data-dir") == 0 && v) data_dir = argv[++i];
        else if (strcmp(a, "--ids-file") == 0 && v) ids_file = argv[++i];
        else if (strcmp(a, "--ids-db") == 0 && v) ids_db = argv[++i];
        else if (strcmp(a, "--ids-query") == 0 && v) ids_query = argv[++i];
        else if (strcmp(a, "--calls") == 0 && v) {
            if (!number(argv[++i], 1, &calls)) return usage();
        } else if (strcmp(a, "--threads") == 0 && v) {
            if (!number(argv[++i], 1, &threads) || threads > 256) return usage();
        } else if (strcmp(a, "--warmup") == 0 && v) {
            if (!number(argv[++i], 0, &warmup)) return usage();
        } else if (strcmp(a, "--interval-ms") == 0 && v) {
            interval_ms = atof(argv[++i]);
        } else if (strcmp(a, "--run-first") == 0) run_first = 1;
        else if (strcmp(a, "--with-run") == 0) with_run = 1;
        else if (strcmp(a, "--run-dry-run") == 0) run_dry = 1;
        else if (a[0] == '-' && a[1] == '-') return usage();
        else if (positional == 0) config_path = a, ++positional;
        else if (positional == 1) as_of = a, ++positional;
        else return usage();
    }
    if (positional != 2 || plugin_path == NULL || (ids_file == NULL) == (ids_db == NULL))
        return usage();
    if (ids_file ? !read_ids_file(ids_file) : !read_ids_db(ids_db, ids_query)) return 1;
    if (n_ids == 0) {
        fprintf(stderr, "hook_bench: no customer ids\n");
        return 1;
    }
    if (!load_plugin(plugin_path)) return 1;

    P.open_options_init(&open_options, (uint32_t)sizeof open_options);
    open_options.data_dir = data_dir;
    status = P.engine_open(&engine, config_path, &open_options);
    if (status != CUSTCLASS_OK) {
        fprintf(stderr, "hook_bench: custclass_engine_open: %s: %s\n", P.status_name(status),
                P.last_error_global());
        return 1;
    }
    if (run_first) {
        custclass_run_options options;
        char* summary = NULL;
        double t0 = now_ms();
        P.run_options_init(&options, (uint32_t)sizeof options);
        options.as_of = as_of;
        options.actor = "hook_bench";
        status = P.run(&summary, engine, &options);
        P.free_memory(summary);
        if (status != CUSTCLASS_OK) {
            fprintf(stderr, "hook_bench: the first run: %s: %s\n", P.status_name(status),
                    P.last_error(engine));
            return 1;
        }
        fprintf(stderr, "hook_bench: first full run %.1f s\n", (now_ms() - t0) / 1e3);
    }
    if (with_run) {
        if (pthread_create(&runner, NULL, run_loop, engine) != 0) return 1;
        pthread_mutex_lock(&state_mutex);
        while (!first_run_done && runs_failed == 0) pthread_cond_wait(&state_cond, &state_mutex);
        first_status = first_run_done;
        pthread_mutex_unlock(&state_mutex);
        if (!first_status) {
            pthread_join(runner, NULL);
            fprintf(stderr, "hook_bench: no full run succeeded: %s\n",
                    P.status_name(run_status_failed));
            return 1;
        }
        fprintf(stderr, "hook_bench: the looped full run succeeded once (%.1f s); hooks start\n",
                run_ms[0] / 1e3);
    }

    workers = calloc((size_t)threads, sizeof *workers);
    if (workers == NULL) return 1;
    for (i = 0; i < threads; ++i) {
        workers[i].index = i;
        workers[i].engine = engine;
        workers[i].latency = calloc((size_t)calls, sizeof(double));
        workers[i].phase = calloc((size_t)calls, 1);
        workers[i].status = calloc((size_t)calls, sizeof(int32_t));
        if (!workers[i].latency || !workers[i].phase || !workers[i].status) return 1;
    }
    started = now_ms();
    for (i = 0; i < threads; ++i)
        if (pthread_create(&workers[i].thread, NULL, hook_loop, &workers[i]) != 0) return 1;
    for (i = 0; i < threads; ++i) pthread_join(workers[i].thread, NULL);
    wall = now_ms() - started;
    if (with_run) {
        pthread_mutex_lock(&state_mutex);
        stop_runs = 1;
        pthread_mutex_unlock(&state_mutex);
        pthread_join(runner, NULL);
    }

    total = (size_t)threads * (size_t)calls;
    all = malloc(total * sizeof *all);
    if (all == NULL) return 1;
    memset(errors_by_status, 0, sizeof errors_by_status);
    for (k = 0, i = 0; i < threads; ++i) {
        long c;
        for (c = 0; c < calls; ++c) {
            int32_t s = workers[i].status[c];
            all[k++] = workers[i].latency[c];
            if (s != CUSTCLASS_OK) {
                ++errors;
                ++errors_by_status[s < 0 && -s < MAX_STATUSES ? -s : 0];
            }
        }
    }
    printf("{\"threads\":%ld,\"calls_per_thread\":%ld,\"ids\":%lu,\"with_run\":%s,\"errors\":%lu,"
           "\"errors_by_status\":{",
           threads, calls, (unsigned long)n_ids, with_run ? (run_dry ? "\"dry_run\"" : "true") : "false",
           (unsigned long)errors);
    {
        int first = 1, s;
        for (s = 0; s < MAX_STATUSES; ++s)
            if (errors_by_status[s]) {
                printf("%s\"%s\":%ld", first ? "" : ",", s ? P.status_name(-s) : "other",
                       errors_by_status[s]);
                first = 0;
            }
    }
    printf("},");
    print_figures("", all, total);
    printf(",\"wall_s\":%.2f,\"calls_per_s\":%.1f", wall / 1e3, (double)total / (wall / 1e3));
    if (with_run) {
        int ph;
        printf(",\"runs\":{\"succeeded\":%d,\"cancelled\":%d,\"failed\":%d,\"succeeded_s\":[",
               runs_succeeded, runs_cancelled, runs_failed);
        for (ph = 0; ph < n_run_ms; ++ph) printf("%s%.1f", ph ? "," : "", run_ms[ph] / 1e3);
        printf("]},\"by_run_phase\":{");
        for (ph = 0, first_status = 1; ph < n_phases; ++ph) {
            size_t n = 0;
            long c;
            for (i = 0; i < threads; ++i)
                for (c = 0; c < calls; ++c)
                    if (workers[i].phase[c] == ph) all[n++] = workers[i].latency[c];
            if (n == 0) continue;
            printf("%s\"%s\":{", first_status ? "" : ",", phase_names[ph]);
            print_figures("", all, n);
            printf("}");
            first_status = 0;
        }
        printf("}");
    }
    printf("}\n");
    fflush(stdout);

    status = P.engine_close(engine);
    for (i = 0; i < threads; ++i) {
        free(workers[i].latency);
        free(workers[i].phase);
        free(workers[i].status);
    }
    free(workers);
    free(all);
    for (k = 0; k < n_ids; ++k) free(ids[k]);
    free(ids);
    return status == CUSTCLASS_OK ? 0 : 1;
}
