/*
 * bad_input.c -- the test abi_bad_input: every entry point of custclass.h survives what a buggy
 * host passes it, and says so the documented way.
 *
 *     abi_bad_input CONFIG [DATA_DIR]
 *
 * CONFIG is the engine config of tests/abi/fixture.py (a SQLite database with customers 101,
 * 102, 103 existing as of 2024-06-30, and 104 created later). For NULL pointers, struct_size 0
 * and 3, pointers that are not handles (0x1234, the address of a local struct), a closed handle,
 * invalid YAML, invalid UTF-8 (plain garbage, an overlong encoding, a surrogate), a bad as_of,
 * an unknown customer, each call must return the exact status custclass.h documents, leave its
 * output parameter NULL, and leave a non-empty message in custclass_last_error (calls on a valid
 * engine) or custclass_last_error_global (calls without one or with an invalid handle). The
 * hooks of ABI 1.2 (custclass_customer_changed, custclass_order_posted,
 * custclass_segment_members) get the same, plus a NULL row callback, before the first run, on a
 * push engine, and a row callback that stops the stream. The process must not crash: it is built with the project's flags, so under the dev preset
 * AddressSanitizer and UBSan watch every call, including the ones on a closed handle.
 *
 * The fixture's privacy policy approves its rule set, so the runs are production runs. An
 * analytics member list carries pseudonyms (PRIVACY.md check 10): the test sets the key's
 * variable CUSTCLASS_PSEUDONYM_KEY itself (the fixture's test key) and checks the rows against
 * HMAC-SHA256 values computed beforehand; without the key, or with a short one, the list is
 * refused with CUSTCLASS_E_PRIVACY. A direct-marketing list is only for a segment marked
 * `direct_marketing: true` (buyer; once is not: CUSTCLASS_E_PRIVACY).
 *
 * Linked to the library directly. Exit 0 when every check holds, 1 otherwise.
 */
/* setenv and unsetenv (POSIX), for the pseudonymisation key's variable. */
#define _POSIX_C_SOURCE 200112L

#include "custclass.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int checks;
static int failures;

static const char* as_of = "2024-06-30";

/* The pseudonymisation key of tests/abi/fixture.py (PSEUDONYM_KEY), in the variable the
 * fixture's policy names, and the pseudonyms of the buyers 101, 105 and 108 under it:
 * HMAC-SHA256(key, id) in lower-case hex, computed with Python's hmac (fixture.pseudonym). */
#define PSEUDONYM_KEY_ENV "CUSTCLASS_PSEUDONYM_KEY"
#define PSEUDONYM_KEY "custclass-abi-fixture-pseudonym-key"
static const char* const buyer_pseudonyms[3] = {
    "b7b27d382ce59fcc7fad59443d7aaf74b0f09e55ce30f278fe402439bd70c29e", /* 101 */
    "3f0ea8b34e30311435fae2f5e9e2c92b2b0876dcb3e3c98dc950b9307f4e1506", /* 105 */
    "5f8307d9daf812972be6be31733fd776e3e608d707b9dcc6264a4dee62bc5f43", /* 108 */
};

/* A pointer value for output parameters, to see that the plugin resets them. */
static char sentinel;
#define SENTINEL_TEXT ((char*)&sentinel)
#define SENTINEL_ENGINE ((custclass_engine*)(void*)&sentinel)

/* Something that is not a handle: the address of a local struct of about a handle's size. */
struct not_a_handle {
    void* fields[16];
};

static void fail(const char* what, const char* why)
{
    ++failures;
    printf("FAIL  %s: %s\n", what, why);
}

static void expect(int condition, const char* what)
{
    ++checks;
    if (condition)
        printf("ok    %s\n", what);
    else
        fail(what, "does not hold");
}

/* Where the message of a call is: the engine's (a valid engine) or the thread's global one. */
static const char* message_of(const custclass_engine* engine)
{
    return engine ? custclass_last_error(engine) : custclass_last_error_global();
}

/* The status of a call is `expected` and a message says why (read right after the call: it is
 * valid until the next call). message_engine: the valid engine the call was made on, or NULL. */
static void expect_status(const char* what, int32_t status, int32_t expected,
                          const custclass_engine* message_engine)
{
    const char* message = message_of(message_engine);
    char why[512];
    ++checks;
    if (status != expected) {
        snprintf(why, sizeof why, "returned %s (%d), expected %s (%d); message: %s",
                 custclass_status_name(status), (int)status, custclass_status_name(expected),
                 (int)expected, message ? message : "(NULL)");
        fail(what, why);
        return;
    }
    if (message == NULL) {
        fail(what, "the message is NULL (documented: never NULL)");
        return;
    }
    if (expected != CUSTCLASS_OK && message[0] == '\0') {
        fail(what, "the status is right but the message is empty");
        return;
    }
    printf("ok    %s -> %s: %s\n", what, custclass_status_name(status), message);
}

/* Like expect_status, for calls where two codes fit the documentation. */
static void expect_status2(const char* what, int32_t status, int32_t expected1, int32_t expected2,
                           const custclass_engine* message_engine)
{
    expect_status(what, status, status == expected2 ? expected2 : expected1, message_engine);
}

static void expect_null_output(const char* what, const void* output)
{
    ++checks;
    if (output != NULL)
        fail(what, output == (const void*)&sentinel
                       ? "the output parameter was left as it was (documented: set to NULL first)"
                       : "the output parameter is not NULL after a failure");
}

static int nonempty(const char* text)
{
    return text != NULL && text[0] != '\0';
}

static int is_empty(const char* text)
{
    return text != NULL && text[0] == '\0';
}

static char* read_file(const char* path)
{
    FILE* f = fopen(path, "rb");
    char* text;
    long size;
    if (f == NULL) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    text = (char*)malloc((size_t)size + 1);
    if (text != NULL && fread(text, 1, (size_t)size, f) != (size_t)size) {
        free(text);
        text = NULL;
    }
    if (text != NULL) text[size] = '\0';
    fclose(f);
    return text;
}

/* ------------------------------------------------------------------------------------------ */

static void test_discovery(void)
{
    const custclass_plugin_info_t* info = custclass_plugin_info();
    uint32_t agreed = 77;
    static const struct {
        int32_t code;
        const char* name;
    } names[] = {
        {CUSTCLASS_OK, "CUSTCLASS_OK"},
        {CUSTCLASS_E_INVALID_ARGUMENT, "CUSTCLASS_E_INVALID_ARGUMENT"},
        {CUSTCLASS_E_INVALID_HANDLE, "CUSTCLASS_E_INVALID_HANDLE"},
        {CUSTCLASS_E_ABI_VERSION, "CUSTCLASS_E_ABI_VERSION"},
        {CUSTCLASS_E_CONFIG, "CUSTCLASS_E_CONFIG"},
        {CUSTCLASS_E_DATABASE, "CUSTCLASS_E_DATABASE"},
        {CUSTCLASS_E_DATA, "CUSTCLASS_E_DATA"},
        {CUSTCLASS_E_IO, "CUSTCLASS_E_IO"},
        {CUSTCLASS_E_NOT_FOUND, "CUSTCLASS_E_NOT_FOUND"},
        {CUSTCLASS_E_CANCELLED, "CUSTCLASS_E_CANCELLED"},
        {CUSTCLASS_E_PRIVACY, "CUSTCLASS_E_PRIVACY"},
        {CUSTCLASS_E_NO_MEMORY, "CUSTCLASS_E_NO_MEMORY"},
        {CUSTCLASS_E_INTERNAL, "CUSTCLASS_E_INTERNAL"},
    };
    static const int32_t unknown[] = {1, -13, 4096, INT32_MIN, INT32_MAX};
    size_t i;

    printf("-- discovery\n");
    expect(info != NULL, "custclass_plugin_info() is not NULL");
    if (info != NULL) {
        expect(info->struct_size >= sizeof *info, "plugin info struct_size covers ABI 1.0");
        expect(info->abi_major == CUSTCLASS_ABI_MAJOR, "plugin info abi_major is 1");
        expect(info->pointer_size == sizeof(void*), "plugin info pointer_size is sizeof(void*)");
        expect(info->name != NULL && strcmp(info->name, "custclass") == 0,
               "plugin info name is \"custclass\"");
        expect(info->version != NULL && info->version[0] != '\0', "plugin info has a version");
        expect(info->build_id != NULL && info->build_id[0] != '\0', "plugin info has a build id");
        expect(custclass_plugin_info() == info, "custclass_plugin_info() is one static struct");
    }

    expect_status("custclass_abi_negotiate(minor, NULL)",
                  custclass_abi_negotiate(CUSTCLASS_ABI_MINOR, NULL), CUSTCLASS_E_INVALID_ARGUMENT,
                  NULL);
    expect_status("custclass_abi_negotiate(0, &agreed)", custclass_abi_negotiate(0, &agreed),
                  CUSTCLASS_OK, NULL);
    expect(agreed == 0, "negotiating with host minor 0 agrees on 0");
    expect_status("custclass_abi_negotiate(UINT32_MAX, &agreed)",
                  custclass_abi_negotiate(UINT32_MAX, &agreed), CUSTCLASS_OK, NULL);
    expect(info != NULL && agreed == info->abi_minor,
           "negotiating with a newer host agrees on the plugin's abi_minor");

    for (i = 0; i < sizeof names / sizeof names[0]; ++i) {
        const char* name = custclass_status_name(names[i].code);
        char what[128];
        snprintf(what, sizeof what, "custclass_status_name(%d) is %s", (int)names[i].code,
                 names[i].name);
        expect(name != NULL && strcmp(name, names[i].name) == 0, what);
    }
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; ++i) {
        const char* name = custclass_status_name(unknown[i]);
        char what[128];
        snprintf(what, sizeof what, "custclass_status_name(%ld) is CUSTCLASS_E_UNKNOWN",
                 (long)unknown[i]);
        expect(name != NULL && strcmp(name, "CUSTCLASS_E_UNKNOWN") == 0, what);
    }
}

static void test_errors_and_memory(void)
{
    struct not_a_handle local;
    memset(&local, 0xA5, sizeof local);
    printf("-- errors and memory\n");
    expect(custclass_last_error_global() != NULL, "custclass_last_error_global() is not NULL");
    expect(custclass_last_error(NULL) != NULL, "custclass_last_error(NULL) is not NULL");
    expect(custclass_last_error((const custclass_engine*)(uintptr_t)0x1234) != NULL,
           "custclass_last_error(0x1234) is not NULL");
    expect(custclass_last_error((const custclass_engine*)(void*)&local) != NULL,
           "custclass_last_error(&local struct) is not NULL");
    custclass_free(NULL);
    expect(1, "custclass_free(NULL) is a no-op");
}

static void test_validation(const char* config)
{
    char* doc = SENTINEL_TEXT;
    printf("-- validation\n");

    expect_status("custclass_validate_file(NULL, config)", custclass_validate_file(NULL, config),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);

    expect_status("custclass_validate_file(&doc, NULL)", custclass_validate_file(&doc, NULL),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output("custclass_validate_file(&doc, NULL) output", doc);
    custclass_free(doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_validate_file(&doc, invalid UTF-8 path)",
                  custclass_validate_file(&doc, "/tmp/\xff\xfe.yaml"), CUSTCLASS_E_INVALID_ARGUMENT,
                  NULL);
    expect_null_output("custclass_validate_file(invalid UTF-8) output", doc);
    custclass_free(doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_validate_file(&doc, missing file)",
                  custclass_validate_file(&doc, "/nonexistent/custclass-abi-test/custclass.yaml"),
                  CUSTCLASS_E_IO, NULL);
    expect(doc != NULL && doc != SENTINEL_TEXT,
           "custclass_validate_file(missing file) still returns the diagnostics document");
    if (doc != SENTINEL_TEXT) custclass_free(doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_validate_file(&doc, the fixture config)",
                  custclass_validate_file(&doc, config), CUSTCLASS_OK, NULL);
    expect(doc != NULL && doc != SENTINEL_TEXT && strstr(doc, "\"valid\"") != NULL,
           "the fixture config validates, with a diagnostics document");
    if (doc != SENTINEL_TEXT) custclass_free(doc);

    expect_status("custclass_validate_yaml(NULL, text)",
                  custclass_validate_yaml(NULL, "custclass: 1\n", NULL, NULL),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);

    doc = SENTINEL_TEXT;
    expect_status("custclass_validate_yaml(&doc, NULL)", custclass_validate_yaml(&doc, NULL, NULL, NULL),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output("custclass_validate_yaml(&doc, NULL) output", doc);
    custclass_free(doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_validate_yaml(&doc, invalid YAML)",
                  custclass_validate_yaml(&doc, "custclass: 1\nsource: [unclosed\n  - {\n",
                                          "bad.yaml", NULL),
                  CUSTCLASS_E_CONFIG, NULL);
    expect(doc != NULL && doc != SENTINEL_TEXT && strstr(doc, "bad.yaml") != NULL,
           "invalid YAML gives a diagnostics document naming the display name");
    if (doc != SENTINEL_TEXT) custclass_free(doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_validate_yaml(&doc, invalid UTF-8 text)",
                  custclass_validate_yaml(&doc, "custclass: 1\nname: \xc3\x28\n", NULL, NULL),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output("custclass_validate_yaml(invalid UTF-8) output", doc);
    custclass_free(doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_validate_yaml(&doc, text, invalid UTF-8 display name)",
                  custclass_validate_yaml(&doc, "custclass: 1\n", "\xff", NULL),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output("custclass_validate_yaml(invalid UTF-8 display name) output", doc);
    custclass_free(doc);
}

/* *_init with NULL, sizes 0 and 3, size 4 (only struct_size: nothing else may be written), and
 * the full size (the documented defaults). */
static void test_option_structs(void)
{
    unsigned char buffer[sizeof(custclass_run_options) + sizeof(custclass_open_options) +
                         sizeof(custclass_members_options) + 16];
    custclass_open_options open_options;
    custclass_run_options run_options;
    custclass_members_options members_options;
    uint32_t size4 = 0;
    size_t i;
    int untouched = 1;

    printf("-- option structs\n");
    expect_status("custclass_open_options_init(NULL, sizeof)",
                  custclass_open_options_init(NULL, (uint32_t)sizeof open_options),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_status("custclass_open_options_init(&o, 0)", custclass_open_options_init(&open_options, 0),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_status("custclass_open_options_init(&o, 3)", custclass_open_options_init(&open_options, 3),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_status("custclass_run_options_init(NULL, sizeof)",
                  custclass_run_options_init(NULL, (uint32_t)sizeof run_options),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_status("custclass_run_options_init(&o, 0)", custclass_run_options_init(&run_options, 0),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_status("custclass_run_options_init(&o, 3)", custclass_run_options_init(&run_options, 3),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);

    memset(buffer, 0xA5, sizeof buffer);
    expect_status("custclass_open_options_init(buffer, 4)",
                  custclass_open_options_init((custclass_open_options*)(void*)buffer, 4),
                  CUSTCLASS_OK, NULL);
    memcpy(&size4, buffer, sizeof size4);
    for (i = sizeof size4; i < sizeof buffer; ++i) untouched = untouched && buffer[i] == 0xA5;
    expect(size4 == 4 && untouched,
           "custclass_open_options_init(size 4) writes struct_size = 4 and nothing beyond");

    memset(buffer, 0xA5, sizeof buffer);
    expect_status("custclass_run_options_init(buffer, 4)",
                  custclass_run_options_init((custclass_run_options*)(void*)buffer, 4), CUSTCLASS_OK,
                  NULL);
    memcpy(&size4, buffer, sizeof size4);
    untouched = 1;
    for (i = sizeof size4; i < sizeof buffer; ++i) untouched = untouched && buffer[i] == 0xA5;
    expect(size4 == 4 && untouched,
           "custclass_run_options_init(size 4) writes struct_size = 4 and nothing beyond");

    memset(&open_options, 0xA5, sizeof open_options);
    expect_status("custclass_open_options_init(&o, sizeof o)",
                  custclass_open_options_init(&open_options, (uint32_t)sizeof open_options),
                  CUSTCLASS_OK, NULL);
    expect(open_options.struct_size == sizeof open_options && open_options.base_dir == NULL &&
               open_options.data_dir == NULL,
           "open options defaults: struct_size = sizeof, base_dir and data_dir NULL");

    memset(&run_options, 0xA5, sizeof run_options);
    expect_status("custclass_run_options_init(&o, sizeof o)",
                  custclass_run_options_init(&run_options, (uint32_t)sizeof run_options),
                  CUSTCLASS_OK, NULL);
    expect(run_options.struct_size == sizeof run_options && run_options.as_of == NULL &&
               run_options.dry_run == 0 && run_options.progress == NULL &&
               run_options.log == NULL && run_options.user == NULL,
           "run options defaults: struct_size = sizeof, as_of NULL, dry_run 0, no callbacks");

    /* ABI 1.2 */
    expect_status("custclass_members_options_init(NULL, sizeof)",
                  custclass_members_options_init(NULL, (uint32_t)sizeof members_options),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_status("custclass_members_options_init(&o, 0)",
                  custclass_members_options_init(&members_options, 0), CUSTCLASS_E_INVALID_ARGUMENT,
                  NULL);
    expect_status("custclass_members_options_init(&o, 3)",
                  custclass_members_options_init(&members_options, 3), CUSTCLASS_E_INVALID_ARGUMENT,
                  NULL);

    memset(buffer, 0xA5, sizeof buffer);
    expect_status("custclass_members_options_init(buffer, 4)",
                  custclass_members_options_init((custclass_members_options*)(void*)buffer, 4),
                  CUSTCLASS_OK, NULL);
    memcpy(&size4, buffer, sizeof size4);
    untouched = 1;
    for (i = sizeof size4; i < sizeof buffer; ++i) untouched = untouched && buffer[i] == 0xA5;
    expect(size4 == 4 && untouched,
           "custclass_members_options_init(size 4) writes struct_size = 4 and nothing beyond");

    memset(&members_options, 0xA5, sizeof members_options);
    expect_status("custclass_members_options_init(&o, sizeof o)",
                  custclass_members_options_init(&members_options, (uint32_t)sizeof members_options),
                  CUSTCLASS_OK, NULL);
    expect(members_options.struct_size == sizeof members_options &&
               members_options.classification == NULL &&
               members_options.purpose == CUSTCLASS_PURPOSE_ANALYTICS &&
               members_options.actor == NULL,
           "members options defaults: struct_size = sizeof, classification NULL, purpose "
           "ANALYTICS, actor NULL");
}

static void open_options_sized(custclass_open_options* options, uint32_t size, const char* data_dir)
{
    memset(options, 0, sizeof *options);
    options->struct_size = size;
    options->data_dir = data_dir;
}

static void test_open(const char* config, const char* data_dir)
{
    custclass_engine* engine = SENTINEL_ENGINE;
    custclass_open_options options;
    struct not_a_handle local;
    char* text;
    char base_dir[4096];
    const char* slash;

    printf("-- opening and closing\n");
    memset(&local, 0, sizeof local);
    open_options_sized(&options, (uint32_t)sizeof options, data_dir);

    expect_status("custclass_engine_open(NULL, config)", custclass_engine_open(NULL, config, &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);

    expect_status("custclass_engine_open(&e, NULL)", custclass_engine_open(&engine, NULL, &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output("custclass_engine_open(&e, NULL) output", engine);

    engine = SENTINEL_ENGINE;
    expect_status("custclass_engine_open(&e, missing file)",
                  custclass_engine_open(&engine, "/nonexistent/custclass-abi-test/custclass.yaml",
                                        &options),
                  CUSTCLASS_E_IO, NULL);
    expect_null_output("custclass_engine_open(missing file) output", engine);

    engine = SENTINEL_ENGINE;
    expect_status("custclass_engine_open(&e, invalid UTF-8 path)",
                  custclass_engine_open(&engine, "/tmp/\xff\xfe.yaml", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output("custclass_engine_open(invalid UTF-8 path) output", engine);

    engine = SENTINEL_ENGINE;
    open_options_sized(&options, 0, data_dir);
    expect_status("custclass_engine_open(options.struct_size 0)",
                  custclass_engine_open(&engine, config, &options), CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output("custclass_engine_open(struct_size 0) output", engine);

    engine = SENTINEL_ENGINE;
    open_options_sized(&options, 3, data_dir);
    expect_status("custclass_engine_open(options.struct_size 3)",
                  custclass_engine_open(&engine, config, &options), CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output("custclass_engine_open(struct_size 3) output", engine);

    engine = SENTINEL_ENGINE;
    open_options_sized(&options, (uint32_t)sizeof options, "\xc0\xaf");
    expect_status("custclass_engine_open(options.data_dir invalid UTF-8)",
                  custclass_engine_open(&engine, config, &options), CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output("custclass_engine_open(data_dir invalid UTF-8) output", engine);

    /* A host built against a shorter struct (only struct_size): the plugin reads nothing else
     * and uses the defaults. */
    engine = SENTINEL_ENGINE;
    open_options_sized(&options, 4, "/nonexistent/not-read");
    expect_status("custclass_engine_open(options.struct_size 4: defaults)",
                  custclass_engine_open(&engine, config, &options), CUSTCLASS_OK, NULL);
    expect(engine != NULL && engine != SENTINEL_ENGINE, "custclass_engine_open returned a handle");
    if (engine != SENTINEL_ENGINE)
        expect_status("custclass_engine_close(that engine)", custclass_engine_close(engine),
                      CUSTCLASS_OK, NULL);

    open_options_sized(&options, (uint32_t)sizeof options, data_dir);
    expect_status("custclass_engine_open_yaml(NULL, text)",
                  custclass_engine_open_yaml(NULL, "custclass: 1\n", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);

    engine = SENTINEL_ENGINE;
    expect_status("custclass_engine_open_yaml(&e, NULL)",
                  custclass_engine_open_yaml(&engine, NULL, &options), CUSTCLASS_E_INVALID_ARGUMENT,
                  NULL);
    expect_null_output("custclass_engine_open_yaml(&e, NULL) output", engine);

    engine = SENTINEL_ENGINE;
    expect_status("custclass_engine_open_yaml(&e, invalid YAML)",
                  custclass_engine_open_yaml(&engine, "custclass: 1\nsource: [unclosed\n  - {\n",
                                             &options),
                  CUSTCLASS_E_CONFIG, NULL);
    expect_null_output("custclass_engine_open_yaml(invalid YAML) output", engine);

    engine = SENTINEL_ENGINE;
    expect_status("custclass_engine_open_yaml(&e, YAML that is a list)",
                  custclass_engine_open_yaml(&engine, "- just\n- a list\n", &options),
                  CUSTCLASS_E_CONFIG, NULL);
    expect_null_output("custclass_engine_open_yaml(a list) output", engine);

    engine = SENTINEL_ENGINE;
    expect_status("custclass_engine_open_yaml(&e, invalid UTF-8 text)",
                  custclass_engine_open_yaml(&engine, "custclass: 1\nsource:\n  preset: \xed\xa0\x80\n",
                                             &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output("custclass_engine_open_yaml(invalid UTF-8) output", engine);

    /* The fixture config as text, relative paths resolved against its directory. */
    text = read_file(config);
    slash = strrchr(config, '/');
    if (text != NULL && slash != NULL && (size_t)(slash - config) < sizeof base_dir) {
        memcpy(base_dir, config, (size_t)(slash - config));
        base_dir[slash - config] = '\0';
        options.base_dir = base_dir;
        engine = SENTINEL_ENGINE;
        expect_status("custclass_engine_open_yaml(&e, the fixture config, base_dir)",
                      custclass_engine_open_yaml(&engine, text, &options), CUSTCLASS_OK, NULL);
        expect(engine != NULL && engine != SENTINEL_ENGINE,
               "custclass_engine_open_yaml returned a handle");
        if (engine != SENTINEL_ENGINE)
            expect_status("custclass_engine_close(that engine)", custclass_engine_close(engine),
                          CUSTCLASS_OK, NULL);
    } else {
        fail("reading the fixture config", config);
    }
    free(text);

    expect_status("custclass_engine_close(NULL)", custclass_engine_close(NULL), CUSTCLASS_OK, NULL);
    expect_status("custclass_engine_close(0x1234)",
                  custclass_engine_close((custclass_engine*)(uintptr_t)0x1234),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_status("custclass_engine_close(&local struct)",
                  custclass_engine_close((custclass_engine*)(void*)&local), CUSTCLASS_E_INVALID_HANDLE,
                  NULL);
}

static int progress_calls;
static int32_t cancel_at_once(void* user, const char* phase, uint64_t done, uint64_t total)
{
    (void)user;
    (void)phase;
    (void)done;
    (void)total;
    ++progress_calls;
    return 1;
}

static void run_options_sized(custclass_run_options* options, uint32_t size, const char* date)
{
    memset(options, 0, sizeof *options);
    options->struct_size = size;
    options->as_of = date;
}

/* The calls on an engine: runs and classification. */
static void test_engine_calls(custclass_engine* engine)
{
    custclass_run_options options;
    struct not_a_handle local;
    char* doc = SENTINEL_TEXT;
    static const char* bad_dates[] = {"not-a-date", "2024-02-30", "2024-13-01", "20240630", "",
                                      "2024-06-30\xff"};
    static const char* bad_ids[] = {"\xff\xfe", "10\xc0\xaf" /* overlong '/' */,
                                    "\xed\xa0\x80" /* UTF-16 surrogate */, "101\x80"};
    size_t i;
    char what[160];

    memset(&local, 0, sizeof local);
    printf("-- runs\n");
    run_options_sized(&options, (uint32_t)sizeof options, as_of);

    expect_status("custclass_run(NULL, e)", custclass_run(NULL, engine, &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);

    doc = SENTINEL_TEXT;
    expect_status2("custclass_run(&doc, NULL engine)", custclass_run(&doc, NULL, &options),
                   CUSTCLASS_E_INVALID_HANDLE, CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output("custclass_run(NULL engine) output", doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_run(&doc, 0x1234)",
                  custclass_run(&doc, (custclass_engine*)(uintptr_t)0x1234, &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_run(0x1234) output", doc);
    expect(nonempty(custclass_last_error((const custclass_engine*)(uintptr_t)0x1234)),
           "custclass_last_error(0x1234) gives the global message of that failure");

    doc = SENTINEL_TEXT;
    expect_status("custclass_run(&doc, &local struct)",
                  custclass_run(&doc, (custclass_engine*)(void*)&local, &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_run(&local struct) output", doc);

    doc = SENTINEL_TEXT;
    run_options_sized(&options, 0, as_of);
    expect_status("custclass_run(options.struct_size 0)", custclass_run(&doc, engine, &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_run(struct_size 0) output", doc);

    doc = SENTINEL_TEXT;
    run_options_sized(&options, 3, as_of);
    expect_status("custclass_run(options.struct_size 3)", custclass_run(&doc, engine, &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_run(struct_size 3) output", doc);

    for (i = 0; i < sizeof bad_dates / sizeof bad_dates[0]; ++i) {
        doc = SENTINEL_TEXT;
        run_options_sized(&options, (uint32_t)sizeof options, bad_dates[i]);
        snprintf(what, sizeof what, "custclass_run(as_of bad date #%u)", (unsigned)i);
        expect_status(what, custclass_run(&doc, engine, &options), CUSTCLASS_E_INVALID_ARGUMENT,
                      engine);
        expect_null_output(what, doc);
    }

    /* A progress callback that cancels: the run stops with CUSTCLASS_E_CANCELLED. */
    doc = SENTINEL_TEXT;
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    options.dry_run = 1;
    options.progress = cancel_at_once;
    progress_calls = 0;
    {
        int32_t status = custclass_run(&doc, engine, &options);
        if (progress_calls > 0) {
            expect_status("custclass_run(progress returns non-zero)", status, CUSTCLASS_E_CANCELLED,
                          engine);
            expect_null_output("custclass_run(cancelled) output", doc);
        } else {
            printf("note  custclass_run never called the progress callback (status %s)\n",
                   custclass_status_name(status));
            if (doc != SENTINEL_TEXT) custclass_free(doc);
        }
    }

    /* The real run the classification checks below read. */
    doc = SENTINEL_TEXT;
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    expect_status("custclass_run(&doc, e, as_of 2024-06-30)", custclass_run(&doc, engine, &options),
                  CUSTCLASS_OK, engine);
    expect(doc != NULL && doc != SENTINEL_TEXT && strstr(doc, "\"run_id\"") != NULL,
           "the run returns its summary");
    if (doc != SENTINEL_TEXT) custclass_free(doc);
    expect(is_empty(custclass_last_error(engine)),
           "custclass_last_error(e) is \"\" after a successful call");

    printf("-- classifying one customer\n");
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    expect_status("custclass_classify_customer(NULL, e, \"101\")",
                  custclass_classify_customer(NULL, engine, "101", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);

    doc = SENTINEL_TEXT;
    expect_status("custclass_classify_customer(&doc, e, NULL)",
                  custclass_classify_customer(&doc, engine, NULL, &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_classify_customer(NULL id) output", doc);

    for (i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; ++i) {
        doc = SENTINEL_TEXT;
        snprintf(what, sizeof what, "custclass_classify_customer(invalid UTF-8 id #%u)", (unsigned)i);
        expect_status(what, custclass_classify_customer(&doc, engine, bad_ids[i], &options),
                      CUSTCLASS_E_INVALID_ARGUMENT, engine);
        expect_null_output(what, doc);
    }

    doc = SENTINEL_TEXT;
    expect_status("custclass_classify_customer(&doc, e, unknown \"999\")",
                  custclass_classify_customer(&doc, engine, "999", &options), CUSTCLASS_E_NOT_FOUND,
                  engine);
    expect_null_output("custclass_classify_customer(unknown) output", doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_classify_customer(&doc, e, \"104\" created after as_of)",
                  custclass_classify_customer(&doc, engine, "104", &options), CUSTCLASS_E_NOT_FOUND,
                  engine);
    expect_null_output("custclass_classify_customer(not yet existing) output", doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_classify_customer(&doc, 0x1234, \"101\")",
                  custclass_classify_customer(&doc, (custclass_engine*)(uintptr_t)0x1234, "101",
                                              &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_classify_customer(0x1234) output", doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_classify_customer(&doc, &local struct, \"101\")",
                  custclass_classify_customer(&doc, (custclass_engine*)(void*)&local, "101",
                                              &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_classify_customer(&local struct) output", doc);

    doc = SENTINEL_TEXT;
    run_options_sized(&options, 3, as_of);
    expect_status("custclass_classify_customer(options.struct_size 3)",
                  custclass_classify_customer(&doc, engine, "101", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_classify_customer(struct_size 3) output", doc);

    doc = SENTINEL_TEXT;
    run_options_sized(&options, (uint32_t)sizeof options, "2024-02-30");
    expect_status("custclass_classify_customer(as_of 2024-02-30)",
                  custclass_classify_customer(&doc, engine, "101", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_classify_customer(bad as_of) output", doc);

    doc = SENTINEL_TEXT;
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    expect_status("custclass_classify_customer(&doc, e, \"101\")",
                  custclass_classify_customer(&doc, engine, "101", &options), CUSTCLASS_OK, engine);
    expect(doc != NULL && doc != SENTINEL_TEXT && strstr(doc, "\"buyer\"") != NULL,
           "customer 101 is a buyer");
    if (doc != SENTINEL_TEXT) custclass_free(doc);
    expect(is_empty(custclass_last_error(engine)),
           "custclass_last_error(e) is \"\" after a successful call");

    /* A host built against a shorter struct: as_of is not read, so "today" applies, when every
     * fixture customer exists. */
    doc = SENTINEL_TEXT;
    run_options_sized(&options, 4, "not read");
    expect_status("custclass_classify_customer(options.struct_size 4: defaults)",
                  custclass_classify_customer(&doc, engine, "101", &options), CUSTCLASS_OK, engine);
    if (doc != SENTINEL_TEXT) custclass_free(doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_classify_customer(options NULL: defaults)",
                  custclass_classify_customer(&doc, engine, "101", NULL), CUSTCLASS_OK, engine);
    if (doc != SENTINEL_TEXT) custclass_free(doc);
}

/* The analyses of runs (ABI 1.1), after the fixture's one published run. */
static void test_analyses(custclass_engine* engine)
{
    static const char bad_id[] = "\xff\xfe";
    custclass_engine* garbage = (custclass_engine*)(uintptr_t)0x1234;
    custclass_run_options options;
    char* doc;

    printf("-- analyses of runs\n");
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    expect_status("custclass_profiles(NULL, e, NULL)", custclass_profiles(NULL, engine, NULL),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_status("custclass_compare_runs(NULL, e, NULL, NULL)",
                  custclass_compare_runs(NULL, engine, NULL, NULL), CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_status("custclass_whatif(NULL, e, path, o)",
                  custclass_whatif(NULL, engine, "rules.yaml", &options), CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_status("custclass_review(NULL, e, NULL)", custclass_review(NULL, engine, NULL),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_status("custclass_report_html(NULL, e, NULL)", custclass_report_html(NULL, engine, NULL),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    doc = SENTINEL_TEXT;
    expect_status("custclass_report_html(&doc, 0x1234)", custclass_report_html(&doc, garbage, NULL),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_report_html(0x1234) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_report_html(unknown run)", custclass_report_html(&doc, engine, "nope"),
                  CUSTCLASS_E_NOT_FOUND, engine);
    expect_null_output("custclass_report_html(unknown run) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_report_html(&doc, e, NULL)", custclass_report_html(&doc, engine, NULL),
                  CUSTCLASS_OK, engine);
    expect(doc != NULL && doc != SENTINEL_TEXT && strstr(doc, "<html") != NULL, "the report is HTML");
    if (doc != SENTINEL_TEXT) custclass_free(doc);

    doc = SENTINEL_TEXT;
    expect_status2("custclass_profiles(&doc, NULL engine)", custclass_profiles(&doc, NULL, NULL),
                   CUSTCLASS_E_INVALID_ARGUMENT, CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_profiles(NULL engine) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_profiles(&doc, 0x1234)", custclass_profiles(&doc, garbage, NULL),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_profiles(0x1234) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_compare_runs(&doc, 0x1234)",
                  custclass_compare_runs(&doc, garbage, NULL, NULL), CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_compare_runs(0x1234) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_whatif(&doc, 0x1234)", custclass_whatif(&doc, garbage, "r.yaml", &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_whatif(0x1234) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_review(&doc, 0x1234)", custclass_review(&doc, garbage, NULL),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_review(0x1234) output", doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_profiles(invalid UTF-8 run id)", custclass_profiles(&doc, engine, bad_id),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_profiles(invalid UTF-8) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_compare_runs(invalid UTF-8 run id)",
                  custclass_compare_runs(&doc, engine, bad_id, NULL), CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_compare_runs(invalid UTF-8) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_review(unknown run)", custclass_review(&doc, engine, "no-such-run"),
                  CUSTCLASS_E_NOT_FOUND, engine);
    expect_null_output("custclass_review(unknown run) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_whatif(&doc, e, NULL path)", custclass_whatif(&doc, engine, NULL, &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_whatif(NULL path) output", doc);
    doc = SENTINEL_TEXT;
    expect_status2("custclass_whatif(&doc, e, missing file)",
                   custclass_whatif(&doc, engine, "no/such/rules.yaml", &options), CUSTCLASS_E_IO,
                   CUSTCLASS_E_CONFIG, engine);
    expect_null_output("custclass_whatif(missing file) output", doc);
    /* One run only: there is nothing to compare it with. */
    doc = SENTINEL_TEXT;
    expect_status("custclass_compare_runs(&doc, e, NULL, NULL) with one run",
                  custclass_compare_runs(&doc, engine, NULL, NULL), CUSTCLASS_E_NOT_FOUND, engine);
    expect_null_output("custclass_compare_runs(one run) output", doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_profiles(&doc, e, NULL)", custclass_profiles(&doc, engine, NULL),
                  CUSTCLASS_OK, engine);
    expect(doc != NULL && doc != SENTINEL_TEXT && strstr(doc, "\"classifications\"") != NULL,
           "the profiles document has its classifications");
    if (doc != SENTINEL_TEXT) custclass_free(doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_review(&doc, e, \"\")", custclass_review(&doc, engine, ""), CUSTCLASS_OK,
                  engine);
    expect(doc != NULL && doc != SENTINEL_TEXT && strstr(doc, "\"findings\"") != NULL,
           "the review document has its findings");
    if (doc != SENTINEL_TEXT) custclass_free(doc);
}

/* ---- The hooks (ABI 1.2) ------------------------------------------------------------------ */

/* Row callbacks: count the members (and check each id, keeping the first few), or stop at the
 * first. */
static int member_calls;
static int member_bad_ids;
static char member_ids[4][80];
static int32_t count_member(void* user, const char* customer_id)
{
    (void)user;
    if (customer_id == NULL || customer_id[0] == '\0') ++member_bad_ids;
    else if (member_calls < 4) {
        strncpy(member_ids[member_calls], customer_id, sizeof member_ids[0] - 1);
        member_ids[member_calls][sizeof member_ids[0] - 1] = '\0';
    }
    ++member_calls;
    return 0;
}

/* The document has the member `key` (quoted) with the value `value` (JSON text). */
static int has_member(const char* document, const char* key, const char* value)
{
    const char* at = document ? strstr(document, key) : NULL;
    if (at == NULL) return 0;
    at += strlen(key);
    while (*at == ' ') ++at;
    if (*at++ != ':') return 0;
    while (*at == ' ') ++at;
    return strncmp(at, value, strlen(value)) == 0;
}
static int32_t stop_member(void* user, const char* customer_id)
{
    (void)user;
    (void)customer_id;
    ++member_calls;
    return 1;
}

static void members_options_sized(custclass_members_options* options, uint32_t size,
                                  const char* classification, int32_t purpose)
{
    memset(options, 0, sizeof *options);
    options->struct_size = size;
    options->classification = classification;
    options->purpose = purpose;
}

/* segment_members: the status, the output reset to NULL on failure, and, when it failed, that
 * no member reached the callback. */
static void expect_members(const char* what, custclass_engine* engine, const char* segment,
                           const custclass_members_options* options, custclass_member_fn row,
                           int32_t expected, const custclass_engine* message_engine)
{
    char* doc = SENTINEL_TEXT;
    char what_output[200];
    member_calls = 0;
    expect_status(what, custclass_segment_members(&doc, engine, segment, options, row, NULL),
                  expected, message_engine);
    if (expected != CUSTCLASS_OK) {
        snprintf(what_output, sizeof what_output, "%s output", what);
        expect_null_output(what_output, doc);
        if (expected != CUSTCLASS_E_CANCELLED) {
            snprintf(what_output, sizeof what_output, "%s called no row callback", what);
            expect(member_calls == 0, what_output);
        }
    }
    if (doc != SENTINEL_TEXT) custclass_free(doc);
}

/* Before the first succeeded run every hook says so. */
static void test_hooks_before_run(custclass_engine* engine)
{
    custclass_run_options options;
    char* doc;

    printf("-- hooks before the first run\n");
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    doc = SENTINEL_TEXT;
    expect_status("custclass_customer_changed(&doc, e, \"101\") before any run",
                  custclass_customer_changed(&doc, engine, "101", &options), CUSTCLASS_E_NOT_FOUND,
                  engine);
    expect_null_output("custclass_customer_changed(before any run) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_order_posted(&doc, e, \"101\", \"1\") before any run",
                  custclass_order_posted(&doc, engine, "101", "1", &options), CUSTCLASS_E_NOT_FOUND,
                  engine);
    expect_null_output("custclass_order_posted(before any run) output", doc);
    expect_members("custclass_segment_members(\"buyer\") before any run", engine, "buyer", NULL,
                   count_member, CUSTCLASS_E_NOT_FOUND, engine);
}

/* After the fixture's run: customers 101, 105, 108 are buyers; order 1 is 101's, order 4 102's. */
static void test_hooks(custclass_engine* engine)
{
    static const char* bad_ids[] = {"\xff\xfe", "10\xc0\xaf" /* overlong '/' */,
                                    "\xed\xa0\x80" /* UTF-16 surrogate */, "101\x80"};
    custclass_engine* garbage = (custclass_engine*)(uintptr_t)0x1234;
    struct not_a_handle local;
    custclass_run_options options;
    custclass_members_options members;
    char* doc;
    char what[200];
    size_t i;

    memset(&local, 0, sizeof local);
    printf("-- segment members\n");
    members_options_sized(&members, (uint32_t)sizeof members, "value", CUSTCLASS_PURPOSE_ANALYTICS);

    member_calls = 0;
    expect_status("custclass_segment_members(NULL, e, \"buyer\")",
                  custclass_segment_members(NULL, engine, "buyer", &members, count_member, NULL),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect(member_calls == 0, "custclass_segment_members(NULL output) called no row callback");
    expect_members("custclass_segment_members(&doc, NULL engine)", NULL, "buyer", &members,
                   count_member, CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_members("custclass_segment_members(&doc, 0x1234)", garbage, "buyer", &members,
                   count_member, CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_members("custclass_segment_members(&doc, &local struct)",
                   (custclass_engine*)(void*)&local, "buyer", &members, count_member,
                   CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_members("custclass_segment_members(&doc, e, NULL segment)", engine, NULL, &members,
                   count_member, CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_members("custclass_segment_members(&doc, e, \"buyer\", o, NULL row)", engine, "buyer",
                   &members, NULL, CUSTCLASS_E_INVALID_ARGUMENT, engine);
    for (i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; ++i) {
        snprintf(what, sizeof what, "custclass_segment_members(invalid UTF-8 segment #%u)",
                 (unsigned)i);
        expect_members(what, engine, bad_ids[i], &members, count_member,
                       CUSTCLASS_E_INVALID_ARGUMENT, engine);
    }
    members_options_sized(&members, (uint32_t)sizeof members, "\xc3\x28",
                          CUSTCLASS_PURPOSE_ANALYTICS);
    expect_members("custclass_segment_members(options.classification invalid UTF-8)", engine,
                   "buyer", &members, count_member, CUSTCLASS_E_INVALID_ARGUMENT, engine);
    members_options_sized(&members, (uint32_t)sizeof members, "value", CUSTCLASS_PURPOSE_ANALYTICS);
    members.actor = "\xed\xa0\x80";
    expect_members("custclass_segment_members(options.actor invalid UTF-8)", engine, "buyer",
                   &members, count_member, CUSTCLASS_E_INVALID_ARGUMENT, engine);
    members_options_sized(&members, 0, "value", CUSTCLASS_PURPOSE_ANALYTICS);
    expect_members("custclass_segment_members(options.struct_size 0)", engine, "buyer", &members,
                   count_member, CUSTCLASS_E_INVALID_ARGUMENT, engine);
    members_options_sized(&members, 3, "value", CUSTCLASS_PURPOSE_ANALYTICS);
    expect_members("custclass_segment_members(options.struct_size 3)", engine, "buyer", &members,
                   count_member, CUSTCLASS_E_INVALID_ARGUMENT, engine);
    members_options_sized(&members, (uint32_t)sizeof members, "value", 2);
    expect_members("custclass_segment_members(purpose 2)", engine, "buyer", &members, count_member,
                   CUSTCLASS_E_INVALID_ARGUMENT, engine);
    members_options_sized(&members, (uint32_t)sizeof members, "value", -1);
    expect_members("custclass_segment_members(purpose -1)", engine, "buyer", &members,
                   count_member, CUSTCLASS_E_INVALID_ARGUMENT, engine);
    members_options_sized(&members, (uint32_t)sizeof members, "value", CUSTCLASS_PURPOSE_ANALYTICS);
    expect_members("custclass_segment_members(unknown segment)", engine, "no_such_segment",
                   &members, count_member, CUSTCLASS_E_NOT_FOUND, engine);
    members_options_sized(&members, (uint32_t)sizeof members, "no_such_classification",
                          CUSTCLASS_PURPOSE_ANALYTICS);
    expect_members("custclass_segment_members(unknown classification)", engine, "buyer",
                   &members, count_member, CUSTCLASS_E_NOT_FOUND, engine);

    /* A row callback that stops: CUSTCLASS_E_CANCELLED after one call, no summary. */
    members_options_sized(&members, (uint32_t)sizeof members, "value", CUSTCLASS_PURPOSE_ANALYTICS);
    expect_members("custclass_segment_members(row returns non-zero)", engine, "buyer", &members,
                   stop_member, CUSTCLASS_E_CANCELLED, engine);
    expect(member_calls == 1, "the stream stopped at the first member");

    /* The buyers, with options NULL (defaults: the one classification with `buyer`, analytics)
     * and with a host's shorter struct (only struct_size: nothing else is read). */
    member_bad_ids = 0;
    expect_members("custclass_segment_members(&doc, e, \"buyer\", NULL options)", engine, "buyer",
                   NULL, count_member, CUSTCLASS_OK, engine);
    expect(member_calls == 3 && member_bad_ids == 0,
           "the buyers 101, 105 and 108 were streamed, each with an id");
    expect(member_calls == 3 && strcmp(member_ids[0], buyer_pseudonyms[0]) == 0 &&
               strcmp(member_ids[1], buyer_pseudonyms[1]) == 0 &&
               strcmp(member_ids[2], buyer_pseudonyms[2]) == 0,
           "the analytics rows are HMAC-SHA256(key, id) of 101, 105 and 108, in id order");
    members_options_sized(&members, 4, "not read", 99);
    expect_members("custclass_segment_members(options.struct_size 4: defaults)", engine, "buyer",
                   &members, count_member, CUSTCLASS_OK, engine);
    expect(member_calls == 3, "the defaults list the 3 buyers");
    /* custclass.yaml maps no consent: nobody may be contacted (buyer is marked for direct
     * marketing in rules.yaml). */
    members_options_sized(&members, (uint32_t)sizeof members, "value",
                          CUSTCLASS_PURPOSE_DIRECT_MARKETING);
    expect_members("custclass_segment_members(direct marketing, no consent mapped)", engine,
                   "buyer", &members, count_member, CUSTCLASS_OK, engine);
    expect(member_calls == 0, "without recorded consent the direct-marketing list is empty");
    /* once is not marked `direct_marketing: true`: its members are not for direct marketing. */
    expect_members("custclass_segment_members(direct marketing, unmarked segment \"once\")",
                   engine, "once", &members, count_member, CUSTCLASS_E_PRIVACY, engine);
    expect(strstr(custclass_last_error(engine), "direct_marketing") != NULL &&
               strstr(custclass_last_error(engine), "once") != NULL,
           "the refusal names the segment and `direct_marketing`");
    doc = SENTINEL_TEXT;
    expect_status("custclass_segment_members(&doc, direct marketing, \"buyer\") gives its summary",
                  custclass_segment_members(&doc, engine, "buyer", &members, count_member, NULL),
                  CUSTCLASS_OK, engine);
    expect(has_member(doc, "\"pseudonymised\"", "false"),
           "a direct-marketing list carries ids: \"pseudonymised\": false");
    if (doc != SENTINEL_TEXT) custclass_free(doc);

    /* Without the key, or with one shorter than 16 bytes, an analytics list is refused. */
    unsetenv(PSEUDONYM_KEY_ENV);
    expect_members("custclass_segment_members(analytics, no " PSEUDONYM_KEY_ENV ")", engine,
                   "buyer", NULL, count_member, CUSTCLASS_E_PRIVACY, engine);
    expect(strstr(custclass_last_error(engine), PSEUDONYM_KEY_ENV) != NULL,
           "the refusal names " PSEUDONYM_KEY_ENV);
    setenv(PSEUDONYM_KEY_ENV, "0123456789abcde", 1);
    expect_members("custclass_segment_members(analytics, a 15-byte key)", engine, "buyer", NULL,
                   count_member, CUSTCLASS_E_PRIVACY, engine);
    expect(strstr(custclass_last_error(engine), PSEUDONYM_KEY_ENV) != NULL,
           "the refusal names " PSEUDONYM_KEY_ENV);
    setenv(PSEUDONYM_KEY_ENV, PSEUDONYM_KEY, 1);

    doc = SENTINEL_TEXT;
    expect_status("custclass_segment_members(&doc, ...) gives its summary",
                  custclass_segment_members(&doc, engine, "buyer", NULL, count_member, NULL),
                  CUSTCLASS_OK, engine);
    expect(doc != NULL && doc != SENTINEL_TEXT && strstr(doc, "\"streamed\"") != NULL,
           "the members summary has \"streamed\"");
    expect(has_member(doc, "\"pseudonymised\"", "true"),
           "an analytics list carries pseudonyms: \"pseudonymised\": true");
    if (doc != SENTINEL_TEXT) custclass_free(doc);
    expect(is_empty(custclass_last_error(engine)),
           "custclass_last_error(e) is \"\" after a successful call");

    printf("-- hooks: a customer changed\n");
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    expect_status("custclass_customer_changed(NULL, e, \"101\")",
                  custclass_customer_changed(NULL, engine, "101", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    doc = SENTINEL_TEXT;
    expect_status("custclass_customer_changed(&doc, NULL engine, \"101\")",
                  custclass_customer_changed(&doc, NULL, "101", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output("custclass_customer_changed(NULL engine) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_customer_changed(&doc, 0x1234, \"101\")",
                  custclass_customer_changed(&doc, garbage, "101", &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_customer_changed(0x1234) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_customer_changed(&doc, &local struct, \"101\")",
                  custclass_customer_changed(&doc, (custclass_engine*)(void*)&local, "101",
                                             &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_customer_changed(&local struct) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_customer_changed(&doc, e, NULL)",
                  custclass_customer_changed(&doc, engine, NULL, &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_customer_changed(NULL id) output", doc);
    for (i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; ++i) {
        doc = SENTINEL_TEXT;
        snprintf(what, sizeof what, "custclass_customer_changed(invalid UTF-8 id #%u)",
                 (unsigned)i);
        expect_status(what, custclass_customer_changed(&doc, engine, bad_ids[i], &options),
                      CUSTCLASS_E_INVALID_ARGUMENT, engine);
        expect_null_output(what, doc);
    }
    doc = SENTINEL_TEXT;
    run_options_sized(&options, 0, as_of);
    expect_status("custclass_customer_changed(options.struct_size 0)",
                  custclass_customer_changed(&doc, engine, "101", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_customer_changed(struct_size 0) output", doc);
    doc = SENTINEL_TEXT;
    run_options_sized(&options, 3, as_of);
    expect_status("custclass_customer_changed(options.struct_size 3)",
                  custclass_customer_changed(&doc, engine, "101", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_customer_changed(struct_size 3) output", doc);
    doc = SENTINEL_TEXT;
    run_options_sized(&options, (uint32_t)sizeof options, "2024-02-30");
    expect_status("custclass_customer_changed(as_of 2024-02-30)",
                  custclass_customer_changed(&doc, engine, "101", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_customer_changed(bad as_of) output", doc);
    doc = SENTINEL_TEXT;
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    options.actor = "\xff";
    expect_status("custclass_customer_changed(options.actor invalid UTF-8)",
                  custclass_customer_changed(&doc, engine, "101", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_customer_changed(actor invalid UTF-8) output", doc);
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    doc = SENTINEL_TEXT;
    expect_status("custclass_customer_changed(&doc, e, unknown \"999\")",
                  custclass_customer_changed(&doc, engine, "999", &options), CUSTCLASS_E_NOT_FOUND,
                  engine);
    expect_null_output("custclass_customer_changed(unknown) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_customer_changed(&doc, e, \"104\" created after as_of)",
                  custclass_customer_changed(&doc, engine, "104", &options), CUSTCLASS_E_NOT_FOUND,
                  engine);
    expect_null_output("custclass_customer_changed(not yet existing) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_customer_changed(&doc, e, \"101\")",
                  custclass_customer_changed(&doc, engine, "101", &options), CUSTCLASS_OK, engine);
    expect(doc != NULL && doc != SENTINEL_TEXT && strstr(doc, "\"buyer\"") != NULL &&
               strstr(doc, "\"incremental\"") != NULL,
           "customer 101 is still a buyer, and the result says it is incremental");
    if (doc != SENTINEL_TEXT) custclass_free(doc);
    expect(is_empty(custclass_last_error(engine)),
           "custclass_last_error(e) is \"\" after a successful call");

    printf("-- hooks: an order posted\n");
    expect_status("custclass_order_posted(NULL, e, \"101\", \"1\")",
                  custclass_order_posted(NULL, engine, "101", "1", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    doc = SENTINEL_TEXT;
    expect_status("custclass_order_posted(&doc, NULL engine, \"101\", \"1\")",
                  custclass_order_posted(&doc, NULL, "101", "1", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output("custclass_order_posted(NULL engine) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_order_posted(&doc, 0x1234, \"101\", \"1\")",
                  custclass_order_posted(&doc, garbage, "101", "1", &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_order_posted(0x1234) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_order_posted(&doc, &local struct, \"101\", \"1\")",
                  custclass_order_posted(&doc, (custclass_engine*)(void*)&local, "101", "1",
                                         &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_order_posted(&local struct) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_order_posted(&doc, e, NULL customer, \"1\")",
                  custclass_order_posted(&doc, engine, NULL, "1", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_order_posted(NULL customer) output", doc);
    for (i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; ++i) {
        doc = SENTINEL_TEXT;
        snprintf(what, sizeof what, "custclass_order_posted(invalid UTF-8 customer id #%u)",
                 (unsigned)i);
        expect_status(what, custclass_order_posted(&doc, engine, bad_ids[i], "1", &options),
                      CUSTCLASS_E_INVALID_ARGUMENT, engine);
        expect_null_output(what, doc);
        doc = SENTINEL_TEXT;
        snprintf(what, sizeof what, "custclass_order_posted(invalid UTF-8 order id #%u)",
                 (unsigned)i);
        expect_status(what, custclass_order_posted(&doc, engine, "101", bad_ids[i], &options),
                      CUSTCLASS_E_INVALID_ARGUMENT, engine);
        expect_null_output(what, doc);
    }
    doc = SENTINEL_TEXT;
    run_options_sized(&options, 3, as_of);
    expect_status("custclass_order_posted(options.struct_size 3)",
                  custclass_order_posted(&doc, engine, "101", "1", &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_order_posted(struct_size 3) output", doc);
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    doc = SENTINEL_TEXT;
    expect_status("custclass_order_posted(&doc, e, unknown \"999\", NULL)",
                  custclass_order_posted(&doc, engine, "999", NULL, &options),
                  CUSTCLASS_E_NOT_FOUND, engine);
    expect_null_output("custclass_order_posted(unknown customer) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_order_posted(&doc, e, \"101\", \"4\": 102's order)",
                  custclass_order_posted(&doc, engine, "101", "4", &options),
                  CUSTCLASS_E_NOT_FOUND, engine);
    expect_null_output("custclass_order_posted(another customer's order) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_order_posted(&doc, e, \"101\", \"999\": no such order)",
                  custclass_order_posted(&doc, engine, "101", "999", &options),
                  CUSTCLASS_E_NOT_FOUND, engine);
    expect_null_output("custclass_order_posted(no such order) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_order_posted(&doc, e, \"101\", \"1\")",
                  custclass_order_posted(&doc, engine, "101", "1", &options), CUSTCLASS_OK, engine);
    expect(doc != NULL && doc != SENTINEL_TEXT && strstr(doc, "\"buyer\"") != NULL,
           "customer 101 is still a buyer after its order 1");
    if (doc != SENTINEL_TEXT) custclass_free(doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_order_posted(&doc, e, \"101\", NULL order)",
                  custclass_order_posted(&doc, engine, "101", NULL, &options), CUSTCLASS_OK,
                  engine);
    if (doc != SENTINEL_TEXT) custclass_free(doc);

    /* Hosts built against a shorter struct, and NULL options: as_of is today then, and 101's
     * live rows are as of today until the call as of the run's date below puts them back. */
    doc = SENTINEL_TEXT;
    run_options_sized(&options, 4, "not read");
    expect_status("custclass_customer_changed(options.struct_size 4: defaults)",
                  custclass_customer_changed(&doc, engine, "101", &options), CUSTCLASS_OK, engine);
    if (doc != SENTINEL_TEXT) custclass_free(doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_order_posted(options NULL: defaults)",
                  custclass_order_posted(&doc, engine, "101", "1", NULL), CUSTCLASS_OK, engine);
    if (doc != SENTINEL_TEXT) custclass_free(doc);
    doc = SENTINEL_TEXT;
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    expect_status("custclass_customer_changed(&doc, e, \"101\") as of the run again",
                  custclass_customer_changed(&doc, engine, "101", &options), CUSTCLASS_OK, engine);
    if (doc != SENTINEL_TEXT) custclass_free(doc);
}

/* A progress callback that starts another run on its own engine gets an error for that call
 * (it used to wait for itself forever), and the outer run goes on. */
static int reentered;
static int32_t reentered_status;
static int32_t run_from_progress(void* user, const char* phase, uint64_t done, uint64_t total)
{
    char* doc = NULL;
    (void)phase;
    (void)done;
    (void)total;
    if (reentered++ == 0) {
        reentered_status = custclass_run(&doc, (custclass_engine*)user, NULL);
        if (doc != NULL) custclass_free(doc);
    }
    return 0;
}

/* The privacy calls (ABI 1.2): each survives NULL, garbage and invalid UTF-8, and works on the
 * fixture engine: the report, an export of a customer, and (last) an erasure. */
typedef int32_t (*customer_call)(char**, custclass_engine*, const char*, const custclass_run_options*);

static void test_privacy_customer_call(custclass_engine* engine, const char* name, customer_call call)
{
    static const char* bad_ids[] = {"\xff\xfe", "10\xc0\xaf", "\xed\xa0\x80", "101\x80"};
    custclass_engine* garbage = (custclass_engine*)(uintptr_t)0x1234;
    struct not_a_handle local;
    custclass_run_options options;
    char* doc;
    char what[200];
    size_t i;

    memset(&local, 0, sizeof local);
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    snprintf(what, sizeof what, "%s(NULL, e, \"101\")", name);
    expect_status(what, call(NULL, engine, "101", &options), CUSTCLASS_E_INVALID_ARGUMENT, engine);
    doc = SENTINEL_TEXT;
    snprintf(what, sizeof what, "%s(&doc, NULL engine, \"101\")", name);
    expect_status(what, call(&doc, NULL, "101", &options), CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output(what, doc);
    doc = SENTINEL_TEXT;
    snprintf(what, sizeof what, "%s(&doc, 0x1234, \"101\")", name);
    expect_status(what, call(&doc, garbage, "101", &options), CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output(what, doc);
    doc = SENTINEL_TEXT;
    snprintf(what, sizeof what, "%s(&doc, &local struct, \"101\")", name);
    expect_status(what, call(&doc, (custclass_engine*)(void*)&local, "101", &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output(what, doc);
    doc = SENTINEL_TEXT;
    snprintf(what, sizeof what, "%s(&doc, e, NULL)", name);
    expect_status(what, call(&doc, engine, NULL, &options), CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output(what, doc);
    for (i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; ++i) {
        doc = SENTINEL_TEXT;
        snprintf(what, sizeof what, "%s(&doc, e, invalid UTF-8 #%u)", name, (unsigned)i);
        expect_status(what, call(&doc, engine, bad_ids[i], &options), CUSTCLASS_E_INVALID_ARGUMENT,
                      engine);
        expect_null_output(what, doc);
    }
    doc = SENTINEL_TEXT;
    snprintf(what, sizeof what, "%s(&doc, e, \"101\")", name);
    expect_status(what, call(&doc, engine, "101", &options), CUSTCLASS_OK, engine);
    expect(doc != NULL && doc != SENTINEL_TEXT && strstr(doc, "\"customer_id\"") != NULL, what);
    if (doc != SENTINEL_TEXT) custclass_free(doc);
}

static void test_privacy(custclass_engine* engine)
{
    custclass_engine* garbage = (custclass_engine*)(uintptr_t)0x1234;
    custclass_run_options options;
    char* doc;

    printf("-- privacy: the compliance report, a data access export, an erasure\n");
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    expect_status("custclass_privacy_check(NULL, e)", custclass_privacy_check(NULL, engine, &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    doc = SENTINEL_TEXT;
    expect_status("custclass_privacy_check(&doc, NULL engine)", custclass_privacy_check(&doc, NULL, &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, NULL);
    expect_null_output("custclass_privacy_check(NULL engine) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_privacy_check(&doc, 0x1234)", custclass_privacy_check(&doc, garbage, &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_privacy_check(0x1234) output", doc);
    options.struct_size = 2;
    doc = SENTINEL_TEXT;
    expect_status("custclass_privacy_check(&doc, e, struct_size 2)", custclass_privacy_check(&doc, engine, &options),
                  CUSTCLASS_E_INVALID_ARGUMENT, engine);
    expect_null_output("custclass_privacy_check(struct_size 2) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_privacy_check(&doc, e, NULL options)", custclass_privacy_check(&doc, engine, NULL),
                  CUSTCLASS_OK, engine);
    expect(doc != NULL && doc != SENTINEL_TEXT && strstr(doc, "\"verdict\"") != NULL,
           "custclass_privacy_check gives the report");
    if (doc != SENTINEL_TEXT) custclass_free(doc);
    test_privacy_customer_call(engine, "custclass_privacy_export", custclass_privacy_export);
    test_privacy_customer_call(engine, "custclass_privacy_erase", custclass_privacy_erase);
}

static void test_callback_reentry(custclass_engine* engine)
{
    custclass_run_options options;
    char* doc = SENTINEL_TEXT;

    printf("-- a callback that calls back into its engine\n");
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    options.dry_run = 1;
    options.progress = run_from_progress;
    options.user = engine;
    reentered = 0;
    expect_status("custclass_run(progress calls custclass_run on the same engine)",
                  custclass_run(&doc, engine, &options), CUSTCLASS_OK, engine);
    if (doc != SENTINEL_TEXT) custclass_free(doc);
    expect(reentered > 0, "the progress callback was called");
    expect_status("the inner custclass_run", reentered_status, CUSTCLASS_E_INVALID_ARGUMENT, NULL);
}

/* Closing a push engine whose feed is still open returns (it used to wait forever for the feed)
 * and aborts the feed: its handle is invalid afterwards. */
static void test_close_with_open_feed(const char* config_path)
{
    char base_dir[4096];
    const char* slash = strrchr(config_path, '/');
    size_t length = slash ? (size_t)(slash - config_path) : 0;
    custclass_open_options options;
    custclass_engine* engine = NULL;
    custclass_feed* feed = NULL;
    custclass_customer_record customer;
    int32_t status;

    printf("-- closing an engine with an open feed\n");
    if (length >= sizeof base_dir) length = 0;
    memcpy(base_dir, config_path, length);
    base_dir[length] = '\0';
    custclass_open_options_init(&options, (uint32_t)sizeof options);
    options.base_dir = length ? base_dir : NULL;
    status = custclass_engine_open_yaml(
        &engine,
        "custclass: 1\nsource: {preset: push}\n"
        "store: {connection: \"sqlite3://db=push-results.sqlite\"}\nrules: rules.yaml\n",
        &options);
    expect_status("custclass_engine_open_yaml(push engine)", status, CUSTCLASS_OK, NULL);
    if (status != CUSTCLASS_OK) return;
    {
        /* The hooks read the host's database, which a push engine does not have. */
        char* doc = SENTINEL_TEXT;
        expect_status("custclass_customer_changed(&doc, push engine, \"c1\")",
                      custclass_customer_changed(&doc, engine, "c1", NULL),
                      CUSTCLASS_E_INVALID_ARGUMENT, engine);
        expect_null_output("custclass_customer_changed(push engine) output", doc);
        doc = SENTINEL_TEXT;
        expect_status("custclass_order_posted(&doc, push engine, \"c1\", \"o1\")",
                      custclass_order_posted(&doc, engine, "c1", "o1", NULL),
                      CUSTCLASS_E_INVALID_ARGUMENT, engine);
        expect_null_output("custclass_order_posted(push engine) output", doc);
    }
    expect_status("custclass_feed_begin(&feed, e)", custclass_feed_begin(&feed, engine), CUSTCLASS_OK,
                  engine);
    expect_status("custclass_engine_close(e) with its feed open", custclass_engine_close(engine),
                  CUSTCLASS_OK, NULL);
    custclass_customer_record_init(&customer, (uint32_t)sizeof customer);
    customer.customer_id = "c1";
    expect_status("custclass_feed_add_customers(feed of a closed engine)",
                  custclass_feed_add_customers(feed, &customer, 1), CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_status("custclass_feed_abort(feed of a closed engine)", custclass_feed_abort(feed),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
}

/* After close, the handle is invalid for every call, and no call touches its memory. */
static void test_closed(custclass_engine* closed)
{
    custclass_run_options options;
    char* doc = SENTINEL_TEXT;

    printf("-- a closed handle\n");
    run_options_sized(&options, (uint32_t)sizeof options, as_of);
    expect_status("custclass_run(&doc, closed)", custclass_run(&doc, closed, &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_run(closed) output", doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_classify_customer(&doc, closed, \"101\")",
                  custclass_classify_customer(&doc, closed, "101", &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_classify_customer(closed) output", doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_profiles(&doc, closed)", custclass_profiles(&doc, closed, NULL),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_profiles(closed) output", doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_customer_changed(&doc, closed, \"101\")",
                  custclass_customer_changed(&doc, closed, "101", &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_customer_changed(closed) output", doc);

    doc = SENTINEL_TEXT;
    expect_status("custclass_order_posted(&doc, closed, \"101\", \"1\")",
                  custclass_order_posted(&doc, closed, "101", "1", &options),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_order_posted(closed) output", doc);

    expect_members("custclass_segment_members(&doc, closed, \"buyer\")", closed, "buyer", NULL,
                   count_member, CUSTCLASS_E_INVALID_HANDLE, NULL);

    doc = SENTINEL_TEXT;
    expect_status("custclass_privacy_check(&doc, closed)", custclass_privacy_check(&doc, closed, NULL),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_privacy_check(closed) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_privacy_export(&doc, closed, \"101\")",
                  custclass_privacy_export(&doc, closed, "101", NULL), CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_privacy_export(closed) output", doc);
    doc = SENTINEL_TEXT;
    expect_status("custclass_privacy_erase(&doc, closed, \"101\")",
                  custclass_privacy_erase(&doc, closed, "101", NULL), CUSTCLASS_E_INVALID_HANDLE, NULL);
    expect_null_output("custclass_privacy_erase(closed) output", doc);
    expect(custclass_last_error(closed) != NULL, "custclass_last_error(closed) is not NULL");
    expect_status("custclass_engine_close(closed) again", custclass_engine_close(closed),
                  CUSTCLASS_E_INVALID_HANDLE, NULL);
}

int main(int argc, char** argv)
{
    const char* config;
    const char* data_dir;
    custclass_open_options options;
    custclass_engine* engine = NULL;
    int32_t status;

    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: %s CONFIG [DATA_DIR]\n", argv[0]);
        return 2;
    }
    config = argv[1];
    data_dir = argc == 3 ? argv[2] : NULL;
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* The fixture's key, whatever the environment had. */
    if (setenv(PSEUDONYM_KEY_ENV, PSEUDONYM_KEY, 1) != 0) {
        fprintf(stderr, "cannot set %s\n", PSEUDONYM_KEY_ENV);
        return 2;
    }

    test_discovery();
    test_errors_and_memory();
    test_validation(config);
    test_option_structs();
    test_open(config, data_dir);

    printf("-- the fixture engine\n");
    custclass_open_options_init(&options, (uint32_t)sizeof options);
    options.data_dir = data_dir;
    status = custclass_engine_open(&engine, config, &options);
    expect_status("custclass_engine_open(&e, the fixture config)", status, CUSTCLASS_OK, NULL);
    if (status == CUSTCLASS_OK && engine != NULL) {
        test_hooks_before_run(engine);
        test_engine_calls(engine);
        test_analyses(engine);
        test_hooks(engine);
        test_callback_reentry(engine);
        test_privacy(engine);
        expect_status("custclass_engine_close(e)", custclass_engine_close(engine), CUSTCLASS_OK,
                      NULL);
        test_closed(engine);
    } else {
        fail("the engine calls", "not run: the fixture engine did not open");
    }

    test_close_with_open_feed(config);

    printf("\n%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
