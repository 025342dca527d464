/*
 * header_compile.c -- the translation unit behind the tests abi_header_c89, abi_header_c99 and
 * abi_header_cxx (abi/CMakeLists.txt). It is compiled, never run: as C89, as C99 and (with
 * -x c++) as C++17, always with -Wall -Wextra -Wpedantic -Werror, so a host compiled with strict
 * flags in any of these languages can include custclass.h.
 *
 * Beyond "it compiles", it freezes what ABI 1 promises at the source level:
 *  - every function is redeclared below with its exact ABI-1 signature and C linkage. A changed
 *    parameter or return type is a "conflicting types" error in C; in C++ a declaration that lost
 *    its extern "C" guard conflicts with the extern "C" redeclaration. (Functions added later
 *    need no entry here; the binary side is covered by abi_abidiff.)
 *  - status codes and log levels keep their values forever.
 *
 * Written in the C89 subset on purpose: no // comments, declarations before statements.
 */
#include "custclass.h"
#include "custclass.h" /* the include guard works */

#include <stddef.h>

/* A compile-time assertion that works in C89 and C++: an array of negative size is an error. */
#define CC_ASSERT(name, condition) typedef char custclass_assert_##name[(condition) ? 1 : -1]

#ifdef __cplusplus
extern "C" {
#endif

const custclass_plugin_info_t* custclass_plugin_info(void);
int32_t custclass_abi_negotiate(uint32_t host_max_minor, uint32_t* agreed_minor);
const char* custclass_status_name(int32_t status);
const char* custclass_last_error(const custclass_engine* engine);
const char* custclass_last_error_global(void);
void custclass_free(void* memory);
int32_t custclass_validate_file(char** diagnostics_json, const char* path);
int32_t custclass_validate_yaml(char** diagnostics_json, const char* yaml_text,
                                const char* display_name, const char* base_dir);
int32_t custclass_open_options_init(custclass_open_options* options, uint32_t size);
int32_t custclass_engine_open(custclass_engine** engine, const char* config_path,
                              const custclass_open_options* options);
int32_t custclass_engine_open_yaml(custclass_engine** engine, const char* yaml_text,
                                   const custclass_open_options* options);
int32_t custclass_engine_close(custclass_engine* engine);
int32_t custclass_run_options_init(custclass_run_options* options, uint32_t size);
int32_t custclass_run(char** summary_json, custclass_engine* engine,
                      const custclass_run_options* options);
int32_t custclass_classify_customer(char** result_json, custclass_engine* engine,
                                    const char* customer_id, const custclass_run_options* options);
int32_t custclass_profiles(char** profiles_json, custclass_engine* engine, const char* run_id);
int32_t custclass_compare_runs(char** comparison_json, custclass_engine* engine,
                               const char* from_run_id, const char* to_run_id);
int32_t custclass_whatif(char** comparison_json, custclass_engine* engine,
                         const char* candidate_rules_path, const custclass_run_options* options);
int32_t custclass_review(char** review_json, custclass_engine* engine, const char* run_id);
int32_t custclass_report_html(char** html, custclass_engine* engine, const char* run_id);

#ifdef __cplusplus
}
#endif

CC_ASSERT(abi_major, CUSTCLASS_ABI_MAJOR == 1);
CC_ASSERT(abi_minor, CUSTCLASS_ABI_MINOR >= 0);

CC_ASSERT(ok, CUSTCLASS_OK == 0);
CC_ASSERT(invalid_argument, CUSTCLASS_E_INVALID_ARGUMENT == -1);
CC_ASSERT(invalid_handle, CUSTCLASS_E_INVALID_HANDLE == -2);
CC_ASSERT(abi_version, CUSTCLASS_E_ABI_VERSION == -3);
CC_ASSERT(config, CUSTCLASS_E_CONFIG == -4);
CC_ASSERT(database, CUSTCLASS_E_DATABASE == -5);
CC_ASSERT(data, CUSTCLASS_E_DATA == -6);
CC_ASSERT(io, CUSTCLASS_E_IO == -7);
CC_ASSERT(not_found, CUSTCLASS_E_NOT_FOUND == -8);
CC_ASSERT(cancelled, CUSTCLASS_E_CANCELLED == -9);
CC_ASSERT(privacy, CUSTCLASS_E_PRIVACY == -10);
CC_ASSERT(no_memory, CUSTCLASS_E_NO_MEMORY == -11);
CC_ASSERT(internal, CUSTCLASS_E_INTERNAL == -12);

CC_ASSERT(log_debug, CUSTCLASS_LOG_DEBUG == 0);
CC_ASSERT(log_info, CUSTCLASS_LOG_INFO == 1);
CC_ASSERT(log_warning, CUSTCLASS_LOG_WARNING == 2);
CC_ASSERT(log_error, CUSTCLASS_LOG_ERROR == 3);

/* Every option and record struct starts with uint32_t struct_size. */
CC_ASSERT(info_size_first, offsetof(custclass_plugin_info_t, struct_size) == 0);
CC_ASSERT(open_size_first, offsetof(custclass_open_options, struct_size) == 0);
CC_ASSERT(run_size_first, offsetof(custclass_run_options, struct_size) == 0);

/* The callback types a host implements. */
static int32_t progress_callback(void* user, const char* phase, uint64_t done, uint64_t total)
{
    (void)user;
    (void)phase;
    return done > total ? 1 : 0;
}

static void log_callback(void* user, int32_t level, const char* message)
{
    (void)user;
    (void)level;
    (void)message;
}

/* Fills a run options struct the way a host does, so the field types are used as a host uses
 * them. Not called: this file is only compiled. */
void custclass_header_compile_fill(custclass_run_options* options, void* user);
void custclass_header_compile_fill(custclass_run_options* options, void* user)
{
    custclass_progress_fn progress = progress_callback;
    custclass_log_fn log = log_callback;
    options->struct_size = (uint32_t)sizeof *options;
    options->as_of = "2024-06-30";
    options->dry_run = 1;
    options->progress = progress;
    options->log = log;
    options->user = user;
    options->actor = "header_compile";
}
