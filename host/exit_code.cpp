// Maps the plugin's status codes (custclass.h) onto the command's exit codes (CLI.md).
#include "exit_code.h"

#include "custclass.h"

namespace custclass::host {

ExitCode exit_code_for_status(std::int32_t status) {
    switch (status) {
        case CUSTCLASS_OK:
            return ExitCode::ok;
        case CUSTCLASS_E_PRIVACY:  // the work ran and the policy refused it
            return ExitCode::problems_found;
        case CUSTCLASS_E_INVALID_ARGUMENT:  // e.g. a malformed --as-of
        case CUSTCLASS_E_CONFIG:
        case CUSTCLASS_E_NOT_FOUND:    // asked for a customer or run that does not exist
        case CUSTCLASS_E_ABI_VERSION:  // a plugin of another ABI line is installed
            return ExitCode::bad_usage;
        case CUSTCLASS_E_DATABASE:
        case CUSTCLASS_E_DATA:
        case CUSTCLASS_E_IO:
            return ExitCode::io_failure;
        case CUSTCLASS_E_CANCELLED:  // only this command cancels, and only on Ctrl-C
            return ExitCode::interrupted;
        case CUSTCLASS_E_INVALID_HANDLE:  // a bug in this command
        case CUSTCLASS_E_NO_MEMORY:
        case CUSTCLASS_E_INTERNAL:
        default:  // a code newer than this command
            return ExitCode::internal_error;
    }
}

}  // namespace custclass::host
