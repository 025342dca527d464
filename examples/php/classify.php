<?php
/*
 * classify.php -- a PHP host of the custclass plugin, through FFI.
 *
 * What a Dolibarr or SuiteCRM module does with the plugin: load it with the preprocessed header
 * custclass_ffi.h (PHP FFI runs no preprocessor, so it cannot read custclass.h itself), check
 * what it is, negotiate the ABI minor version, open an engine on the administrator's
 * custclass.yaml, run a classification as of a date, ask for one customer's segments.
 *
 *     php -d ffi.enable=1 classify.php LIBRARY CONFIG AS_OF CUSTOMER_ID [DATA_DIR]
 *
 * The header is read from $CUSTCLASS_FFI_HEADER, else from the installed include directories.
 * Prints the plugin identity, then the run summary and the customer result as JSON documents,
 * each after a "== ... ==" line (the same output as the C and Python examples). Exits 1 with the
 * status name and the plugin's message when a call fails, 2 on bad usage, 77 when this PHP has
 * no FFI.
 */

declare(strict_types=1);

// The ABI version this host was written against. It must not call functions introduced after the
// minor version the plugin agrees to.
const HOST_ABI_MAJOR = 1;
const HOST_ABI_MINOR = 0;

final class CustclassException extends RuntimeException
{
}

final class Custclass
{
    public FFI $ffi;

    public function __construct(string $header_path, string $library_path)
    {
        $header = @file_get_contents($header_path);
        if ($header === false) {
            throw new CustclassException("cannot read the FFI header $header_path");
        }
        $this->ffi = FFI::cdef($header, $library_path);
    }

    /** Throws with the status name and the plugin's message unless $status is CUSTCLASS_OK. */
    public function check(string $function, int $status, ?FFI\CData $engine = null): void
    {
        if ($status === $this->ffi->CUSTCLASS_OK) {
            return;
        }
        $message = $engine !== null ? $this->ffi->custclass_last_error($engine)
                                    : $this->ffi->custclass_last_error_global();
        $name = $this->ffi->custclass_status_name($status);
        throw new CustclassException("$function failed: $name ($status): $message");
    }

    /** A NUL-terminated copy of $text owned by PHP, for const char* fields of option structs. */
    public function cString(string $text): FFI\CData
    {
        $buffer = $this->ffi->new('char[' . (strlen($text) + 1) . ']');
        FFI::memcpy($buffer, $text, strlen($text));
        return $buffer;
    }

    /**
     * Copies a plugin-allocated JSON document out and releases it with custclass_free (never
     * PHP's or libc's free). Returns the text; throws if it is not JSON.
     */
    public function takeDocument(FFI\CData $pointer): ?string
    {
        if (FFI::isNull($pointer)) {
            return null;
        }
        try {
            $text = FFI::string($pointer);
        } finally {
            $this->ffi->custclass_free($pointer);
        }
        json_decode($text, false, 512, JSON_THROW_ON_ERROR);
        return $text;
    }
}

function find_header(): string
{
    $from_env = getenv('CUSTCLASS_FFI_HEADER');
    if ($from_env !== false && $from_env !== '') {
        return $from_env;
    }
    foreach (['/usr/local/include/custclass_ffi.h', '/usr/include/custclass_ffi.h'] as $path) {
        if (is_file($path)) {
            return $path;
        }
    }
    throw new CustclassException('custclass_ffi.h not found: set CUSTCLASS_FFI_HEADER');
}

function main(array $argv): int
{
    if (!extension_loaded('FFI')) {
        fwrite(STDERR, "classify.php: this PHP has no FFI extension\n");
        return 77;
    }
    if (count($argv) !== 5 && count($argv) !== 6) {
        fwrite(STDERR, "usage: php -d ffi.enable=1 {$argv[0]} LIBRARY CONFIG AS_OF CUSTOMER_ID [DATA_DIR]\n");
        return 2;
    }
    [, $library, $config, $as_of, $customer_id] = $argv;
    $data_dir = $argv[5] ?? null;

    $engine = null;
    $cc = null;
    try {
        $cc = new Custclass(find_header(), $library);
        $ffi = $cc->ffi;

        $info = $ffi->custclass_plugin_info();
        if (FFI::isNull($info)) {
            throw new CustclassException('custclass_plugin_info returned NULL');
        }
        // Read only what the plugin says its struct holds.
        if ($info->struct_size < FFI::sizeof($ffi->type('custclass_plugin_info_t'))) {
            throw new CustclassException("plugin info too small ({$info->struct_size} bytes)");
        }
        if ($info->abi_major !== HOST_ABI_MAJOR) {
            throw new CustclassException("plugin ABI major {$info->abi_major}, this host needs " . HOST_ABI_MAJOR);
        }
        if ($info->pointer_size !== PHP_INT_SIZE) {
            throw new CustclassException("plugin built with {$info->pointer_size}-byte pointers, this PHP has " . PHP_INT_SIZE);
        }
        $agreed = $ffi->new('uint32_t');
        $cc->check('custclass_abi_negotiate', $ffi->custclass_abi_negotiate(HOST_ABI_MINOR, FFI::addr($agreed)));
        printf("plugin: %s %s, ABI %d.%d, agreed minor %d, build %s\n", $info->name, $info->version,
               $info->abi_major, $info->abi_minor, $agreed->cdata, $info->build_id);

        $open_options = $ffi->new('custclass_open_options');
        $cc->check('custclass_open_options_init',
                   $ffi->custclass_open_options_init(FFI::addr($open_options), FFI::sizeof($open_options)));
        $data_dir_c = null; // must outlive the call that reads the options
        if ($data_dir !== null) {
            $data_dir_c = $cc->cString($data_dir);
            $open_options->data_dir = FFI::cast('const char*', $data_dir_c);
        }
        $engine = $ffi->new('custclass_engine*');
        $cc->check('custclass_engine_open',
                   $ffi->custclass_engine_open(FFI::addr($engine), $config, FFI::addr($open_options)));

        $run_options = $ffi->new('custclass_run_options');
        $cc->check('custclass_run_options_init',
                   $ffi->custclass_run_options_init(FFI::addr($run_options), FFI::sizeof($run_options)));
        $as_of_c = $cc->cString($as_of);
        $run_options->as_of = FFI::cast('const char*', $as_of_c);
        $actor_c = $cc->cString('examples/php/classify.php'); // who asked, for the audit log
        $run_options->actor = FFI::cast('const char*', $actor_c);

        $summary = $ffi->new('char*');
        $status = $ffi->custclass_run(FFI::addr($summary), $engine, FFI::addr($run_options));
        $cc->check('custclass_run', $status, $engine);
        echo "== run summary ==\n", $cc->takeDocument($summary), "\n";

        $result = $ffi->new('char*');
        $status = $ffi->custclass_classify_customer(FFI::addr($result), $engine, $customer_id,
                                                    FFI::addr($run_options));
        $cc->check('custclass_classify_customer', $status, $engine);
        echo "== customer $customer_id ==\n", $cc->takeDocument($result), "\n";

        $handle = $engine;
        $engine = null;
        $cc->check('custclass_engine_close', $ffi->custclass_engine_close($handle));
        return 0;
    } catch (CustclassException | FFI\Exception | JsonException $e) {
        fwrite(STDERR, 'classify.php: ' . $e->getMessage() . "\n");
        if ($engine !== null && $cc !== null) {
            $cc->ffi->custclass_engine_close($engine);
        }
        return 1;
    }
}

exit(main($argv));
