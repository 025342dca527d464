<?php
/*
 * classify.php -- a PHP host of the custclass plugin, through FFI.
 *
 * What a Dolibarr or SuiteCRM module does with the plugin: load it with the preprocessed header
 * custclass_ffi.h (PHP FFI runs no preprocessor, so it cannot read custclass.h itself), check
 * what it is, negotiate the ABI minor version, open an engine on the administrator's
 * custclass.yaml, run a classification as of a date, ask for one customer's segments; then, as
 * the module's trigger on a validated invoice does, write the order into the CRM's database
 * (PDO), commit it, tell the plugin (custclass_order_posted, ABI 1.2), read the customer's new
 * segment in one classification, and list the members of that segment for analytics and for
 * direct marketing (custclass_segment_members, with a PHP closure as the row callback); then show
 * the 80/20 focus list of the run, its three largest spenders (custclass_potential, ABI 1.3).
 *
 *     php -d ffi.enable=1 classify.php LIBRARY CONFIG AS_OF CUSTOMER_ID DATABASE AMOUNT CLASSIFICATION [DATA_DIR]
 *
 * DATABASE is the CRM's SQLite database (the one CONFIG reads); the order goes into its table
 * sale (customer, at, total) as AMOUNT on AS_OF at noon, and gets the next id. CLASSIFICATION
 * names the classification whose segment the CRM shows (e.g. "lifecycle"). The analytics list
 * carries pseudonyms instead of ids (HMAC-SHA256 under the key in the environment variable the
 * privacy policy names, CUSTCLASS_PSEUDONYM_KEY by default) and is refused without the key; the
 * direct-marketing list is refused for a segment the rule set does not mark for it.
 *
 * The header is read from $CUSTCLASS_FFI_HEADER, else from the installed include directories.
 * Prints the plugin identity, then each document after a "== ... ==" line (the same output as
 * the C and Python examples): the run summary, the customer result, the order written, the
 * customer result after the order, the segment change, per purpose the member ids (one a
 * line) and the members summary, and the focus list ("potential focus", for analytics:
 * pseudonyms, like the analytics member list; it reads the host's data as of the run's date, so it
 * counts the order just posted). A plugin older than ABI 1.3 has no focus list: the host says so
 * on standard error and shows none. Exits 1 with the status name and the plugin's message when a
 * call fails (with the PDO message when the database does), 2 on bad usage, 77 when this PHP has
 * no FFI or no PDO SQLite driver (Debian: php-sqlite3).
 */

declare(strict_types=1);

// The ABI version this host was written against. It must not call functions introduced after the
// minor version the plugin agrees to.
const HOST_ABI_MAJOR = 1;
const HOST_ABI_MINOR = 3;
// The minor version that brought the hooks this host calls.
const HOOKS_ABI_MINOR = 2;
// The minor version that brought the potential-customer lists (custclass_potential).
const POTENTIAL_ABI_MINOR = 3;
const FOCUS_LIMIT = 3; // how many customers of the focus list the host shows
const ACTOR = 'examples/php/classify.php'; // who asked, for the audit log and the plugin's log

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

/** The customer's segment in $classification of a customer result (null: unclassified). */
function segment_of(string $document, string $classification): ?string
{
    $result = json_decode($document, true, 512, JSON_THROW_ON_ERROR);
    $classified = $result['classifications'][$classification] ?? null;
    if (!is_array($classified)) {
        throw new CustclassException("the customer result has no classification $classification");
    }
    return $classified['segment'];
}

/**
 * Writes the sale and commits it (PDO autocommit), as the CRM does before it calls its hooks:
 * the plugin reads the order from the database. Returns the new order's id.
 */
function insert_order(string $database, string $customer_id, string $ordered_at, string $amount): string
{
    // SQLITE_OPEN_READWRITE without CREATE: the CRM's database must exist; never create one.
    $db = new PDO('sqlite:' . $database, null, null,
                  [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_TIMEOUT => 10,
                   PDO::SQLITE_ATTR_OPEN_FLAGS => PDO::SQLITE_OPEN_READWRITE]);
    $insert = $db->prepare('INSERT INTO sale (customer, at, total) VALUES (?, ?, ?)');
    $insert->execute([$customer_id, $ordered_at, $amount]);
    $order_id = $db->lastInsertId();
    if ($order_id === false) {
        throw new CustclassException('PDO::lastInsertId gave no id for the new sale');
    }
    return (string)$order_id;
}

/** Streams one member list, printing each id as it arrives, then the summary. */
function list_members(Custclass $cc, FFI\CData $engine, string $classification, string $segment,
                      int $purpose, string $purpose_name): void
{
    $ffi = $cc->ffi;
    $options = $ffi->new('custclass_members_options');
    $cc->check('custclass_members_options_init',
               $ffi->custclass_members_options_init(FFI::addr($options), FFI::sizeof($options)));
    $classification_c = $cc->cString($classification); // must outlive the call
    $options->classification = FFI::cast('const char*', $classification_c);
    $options->purpose = $purpose;
    $actor_c = $cc->cString(ACTOR);
    $options->actor = FFI::cast('const char*', $actor_c);

    echo "== members $classification/$segment $purpose_name ==\n";
    $streamed = 0;
    $error = null;
    // The row callback (custclass_member_fn). An exception must not unwind through the plugin:
    // it is kept, the stream is stopped, and it is thrown once the call has returned.
    $on_member = function ($user, $customer_id) use (&$streamed, &$error): int {
        try {
            echo is_string($customer_id) ? $customer_id : FFI::string($customer_id), "\n";
            ++$streamed;
            return 0;
        } catch (Throwable $e) {
            $error = $e;
            return 1;
        }
    };
    $summary = $ffi->new('char*');
    $status = $ffi->custclass_segment_members(FFI::addr($summary), $engine, $segment,
                                              FFI::addr($options), $on_member, null);
    $text = $cc->takeDocument($summary);
    if ($error !== null) {
        throw $error;
    }
    $cc->check('custclass_segment_members', $status, $engine);
    echo "== members summary $classification/$segment $purpose_name ==\n", $text, "\n";
    $counted = json_decode($text, true, 512, JSON_THROW_ON_ERROR)['streamed'] ?? null;
    if ($counted !== $streamed) {
        throw new CustclassException("custclass_segment_members streamed $streamed members, its summary says "
                                     . var_export($counted, true));
    }
}

/**
 * Prints the 80/20 focus list of the engine's last run (custclass_potential, list "focus"): the
 * share of customers that brings 80% of the revenue, the curve, and its first FOCUS_LIMIT
 * customers, for analytics.
 */
function show_focus(Custclass $cc, FFI\CData $engine): void
{
    $ffi = $cc->ffi;
    $options = $ffi->new('custclass_potential_options');
    $cc->check('custclass_potential_options_init',
               $ffi->custclass_potential_options_init(FFI::addr($options), FFI::sizeof($options)));
    $list_c = $cc->cString('focus'); // these must outlive the call
    $options->list = FFI::cast('const char*', $list_c);
    $options->limit = FOCUS_LIMIT;
    $options->purpose = $ffi->CUSTCLASS_PURPOSE_ANALYTICS;
    $actor_c = $cc->cString(ACTOR);
    $options->actor = FFI::cast('const char*', $actor_c);
    $document = $ffi->new('char*');
    $status = $ffi->custclass_potential(FFI::addr($document), $engine, FFI::addr($options));
    $text = $cc->takeDocument($document);
    $cc->check('custclass_potential', $status, $engine);
    echo "== potential focus ==\n", $text, "\n";
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
    if (!extension_loaded('pdo_sqlite')) {
        fwrite(STDERR, "classify.php: this PHP has no PDO SQLite driver (Debian: php-sqlite3)\n");
        return 77;
    }
    if (count($argv) !== 8 && count($argv) !== 9) {
        fwrite(STDERR, "usage: php -d ffi.enable=1 {$argv[0]} LIBRARY CONFIG AS_OF CUSTOMER_ID DATABASE AMOUNT CLASSIFICATION [DATA_DIR]\n");
        return 2;
    }
    [, $library, $config, $as_of, $customer_id, $database, $amount, $classification] = $argv;
    $data_dir = $argv[8] ?? null;

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
        if ($agreed->cdata < HOOKS_ABI_MINOR) {
            throw new CustclassException("the plugin provides ABI 1.{$agreed->cdata}; the hooks this host calls need 1."
                                         . HOOKS_ABI_MINOR . ': install a newer plugin');
        }

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
        $actor_c = $cc->cString(ACTOR);
        $run_options->actor = FFI::cast('const char*', $actor_c);

        $summary = $ffi->new('char*');
        $status = $ffi->custclass_run(FFI::addr($summary), $engine, FFI::addr($run_options));
        $cc->check('custclass_run', $status, $engine);
        echo "== run summary ==\n", $cc->takeDocument($summary), "\n";

        $result = $ffi->new('char*');
        $status = $ffi->custclass_classify_customer(FFI::addr($result), $engine, $customer_id,
                                                    FFI::addr($run_options));
        $cc->check('custclass_classify_customer', $status, $engine);
        $before = $cc->takeDocument($result);
        echo "== customer $customer_id ==\n", $before, "\n";
        $old_segment = segment_of($before, $classification);

        $ordered_at = "$as_of 12:00:00";
        $order_id = insert_order($database, $customer_id, $ordered_at, $amount);
        echo "== order inserted ==\n",
             json_encode(['order_id' => $order_id, 'customer_id' => $customer_id,
                          'ordered_at' => $ordered_at, 'amount' => $amount],
                         JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES), "\n";

        $result = $ffi->new('char*');
        $status = $ffi->custclass_order_posted(FFI::addr($result), $engine, $customer_id, $order_id,
                                               FFI::addr($run_options));
        $cc->check('custclass_order_posted', $status, $engine);
        $after = $cc->takeDocument($result);
        echo "== order posted ==\n", $after, "\n";
        $new_segment = segment_of($after, $classification);
        echo "== segment change ==\n", "$classification: ", $old_segment ?? '(unclassified)', ' -> ',
             $new_segment ?? '(unclassified)', "\n";

        if ($new_segment !== null) { // no segment, no members to list
            list_members($cc, $engine, $classification, $new_segment,
                         $ffi->CUSTCLASS_PURPOSE_ANALYTICS, 'analytics');
            list_members($cc, $engine, $classification, $new_segment,
                         $ffi->CUSTCLASS_PURPOSE_DIRECT_MARKETING, 'direct_marketing');
        }

        // ABI 1.3: a host must not call it when the plugin agreed to an older minor version.
        if ($agreed->cdata >= POTENTIAL_ABI_MINOR) {
            show_focus($cc, $engine);
        } else {
            fwrite(STDERR, "classify.php: the plugin provides ABI 1.{$agreed->cdata}; the focus list needs 1."
                           . POTENTIAL_ABI_MINOR . ": not shown\n");
        }

        $handle = $engine;
        $engine = null;
        $cc->check('custclass_engine_close', $ffi->custclass_engine_close($handle));
        return 0;
    } catch (PDOException $e) {
        fwrite(STDERR, "classify.php: the database $database: " . $e->getMessage() . "\n");
        if ($engine !== null && $cc !== null) {
            $cc->ffi->custclass_engine_close($engine);
        }
        return 1;
    } catch (CustclassException | FFI\Exception | JsonException $e) {
        fwrite(STDERR, 'classify.php: ' . $e->getMessage() . "\n");
        if ($engine !== null && $cc !== null) {
            $cc->ffi->custclass_engine_close($engine);
        }
        return 1;
    }
}

exit(main($argv));
