#ifndef FWPLAN_FWPLAN_H
#define FWPLAN_FWPLAN_H
/// @file fwplan.h
/// The C API of fwplan (`libfwplan_c.so`, CMake target `fwplan::c`), for provisioning tools
/// written in languages that reach native code through a foreign-function interface: Python
/// (ctypes, cffi), Go (cgo), PHP (FFI), Ruby, Rust... It covers what such a tool needs from
/// fwplan: inspect a firmware package, plan the chain of loads for a phone, and write the
/// configuration files of one step.
///
/// Why C and why this shape: a C ABI is the one every FFI speaks, and it stays stable while
/// the C++ library behind it changes. So this header holds no C++ type, no struct layout a
/// caller depends on and no callback:
/// - objects are opaque handles (`fwplan_planner`, `fwplan_error`) made and freed by fwplan;
/// - every result is a UTF-8, NUL-terminated string (the JSON documents of `fwplan --json`,
///   whose field names are a contract: fields are added, never renamed), allocated by fwplan
///   and given back with `fwplan_string_free`;
/// - every function that can fail returns an `fwplan_status` (the numbers of the CLI's exit
///   codes) and, if asked, an `fwplan_error` with a stable code (`fwplan.plan.no-path`), a
///   one-line message and a hint.
///
/// Rules that hold for every function:
/// - No exception crosses this API and nothing aborts on bad input: a NULL where a value is
///   required is `FWPLAN_USAGE`, malformed data `FWPLAN_BAD_INPUT`, running out of memory or
///   a bug `FWPLAN_INTERNAL`. (A limit of the JSON library fwplan uses, nlohmann/json 3.11:
///   if memory runs out inside its destructor, it calls `std::terminate`, nlohmann/json#4653.
///   tests/c_api/test_c_api_oom.cpp makes every other allocation fail in turn.)
/// - Output pointers (`json_out`, `planner_out`, ...) are set to NULL on entry, and to a
///   fresh object only when the status is `FWPLAN_OK`; on any other status there is nothing
///   to free but the error.
/// - `error_out` may be NULL (the caller wants only the status). Otherwise `*error_out` is
///   set to NULL on entry and to an error on failure; free it with `fwplan_error_free`.
/// - An optional string argument may be NULL or empty (""): both mean "not given", which is
///   easier than NULL in some FFIs.
/// - Handles may be used from several threads at once (`fwplan_plan` on one planner too);
///   nothing is kept in thread-local or global state, so no call affects another.
///
/// Usable from C99 and later, and from C++ (the declarations are `extern "C"` and
/// `noexcept` there).
///
/// **Example** (error handling shortened: see `fwplan_plan`)
///
///     #include <fwplan/fwplan.h>
///     #include <stdio.h>
///
///     fwplan_planner* planner = NULL;
///     fwplan_error* error = NULL;
///     if (fwplan_planner_new(NULL, 0, NULL, 0, &planner, &error) != FWPLAN_OK) {
///         fprintf(stderr, "%s\n", fwplan_error_message(error));
///         fwplan_error_free(error);
///         return 1;
///     }
///     char* plan = NULL;
///     fwplan_status status = fwplan_plan(planner, "7941", "SCCP41.8-3-1S", NULL, "SIP", NULL,
///                                        &plan, &error);
///     if (status == FWPLAN_OK)
///         puts(plan);                   // {"model": "7941", ..., "steps": [...]}
///     else
///         fprintf(stderr, "%s\n", fwplan_error_message(error));
///     fwplan_string_free(plan);         // NULL is fine
///     fwplan_error_free(error);
///     fwplan_planner_free(planner);
///     return (int)status;               // the CLI's exit codes

#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
/// Marks the functions of this API: only they are exported from `libfwplan_c.so`.
#define FWPLAN_C_API __attribute__((visibility("default")))
#else
#define FWPLAN_C_API
#endif

#ifdef __cplusplus
/// `noexcept` for C++ callers: no exception ever leaves a function of this API.
#define FWPLAN_NOEXCEPT noexcept
extern "C" {
#else
#define FWPLAN_NOEXCEPT
#endif

/// What a call came to. The numbers are the exit codes of the `fwplan` command line, so a
/// tool that wraps fwplan can pass them on unchanged. An FFI declares the type as a C `int`.
typedef enum fwplan_status {
    FWPLAN_OK = 0,           ///< success: the outputs are set
    FWPLAN_NOT_POSSIBLE = 1, ///< a well-formed request with a negative answer (no plan exists)
    FWPLAN_USAGE = 2,        ///< the call makes no sense: a required argument is NULL, ...
    FWPLAN_BAD_INPUT = 3,    ///< malformed or hostile input: a load ID, a MAC, a file, a zip
    FWPLAN_IO = 4,           ///< reading a file failed for reasons outside its content
    FWPLAN_INTERNAL = 5      ///< out of memory, or a bug in fwplan (please report it)
} fwplan_status;

/// The version of the library, e.g. "0.1.0". A static string: do not free it.
FWPLAN_C_API const char* fwplan_version(void) FWPLAN_NOEXCEPT;

/// Frees a string fwplan returned (`json_out`, `xml_out`, ...). NULL is ignored. Strings
/// from fwplan must be freed here, not with the caller's `free`: the two may belong to
/// different C runtimes.
FWPLAN_C_API void fwplan_string_free(char* text) FWPLAN_NOEXCEPT;

/// Why a call failed. Opaque; read it with the accessors below, free it with
/// `fwplan_error_free`. The strings an accessor returns belong to the error and live as
/// long as it does. Every accessor accepts NULL and then returns "" (or `FWPLAN_OK`).
///
/// **Example**
///
///     fwplan_error* error = NULL;
///     char* json = NULL;
///     if (fwplan_inspect("cmterm-7941_7961-sip.9-4-2SR3-1.zip", &json, &error) != FWPLAN_OK) {
///         fprintf(stderr, "fwplan: error: %s\n", fwplan_error_message(error));
///         if (*fwplan_error_hint(error))
///             fprintf(stderr, "fwplan: hint: %s\n", fwplan_error_hint(error));
///         fwplan_error_free(error);
///     }
typedef struct fwplan_error fwplan_error;

/// The status the failed call returned. (When memory runs out, even while describing
/// another failure, the call returns `FWPLAN_INTERNAL` with the error
/// `fwplan.out-of-memory`, which exists in advance so that handing it out cannot fail.)
FWPLAN_C_API fwplan_status fwplan_error_status(const fwplan_error* error) FWPLAN_NOEXCEPT;
/// The stable, machine-readable code: `fwplan.plan.below-floor`, `fwplan.load-id.malformed`,
/// `fwplan.archive.path-traversal`... Codes are never renamed once released.
FWPLAN_C_API const char* fwplan_error_code(const fwplan_error* error) FWPLAN_NOEXCEPT;
/// The whole error on one line, for people: `file: entry: at offset N: what is wrong [code]`
/// (the parts that are known), as the CLI prints it after `fwplan: error: `.
FWPLAN_C_API const char* fwplan_error_message(const fwplan_error* error) FWPLAN_NOEXCEPT;
/// What the user can do next; "" when fwplan has no advice.
FWPLAN_C_API const char* fwplan_error_hint(const fwplan_error* error) FWPLAN_NOEXCEPT;
/// The file or package the error concerns; "" when none.
FWPLAN_C_API const char* fwplan_error_file(const fwplan_error* error) FWPLAN_NOEXCEPT;
/// The entry inside a package (a zip member) the error concerns; "" when none.
FWPLAN_C_API const char* fwplan_error_entry(const fwplan_error* error) FWPLAN_NOEXCEPT;
/// Frees an error. NULL is ignored.
FWPLAN_C_API void fwplan_error_free(fwplan_error* error) FWPLAN_NOEXCEPT;

/// What a firmware package, loose file or folder holds: the JSON document of
/// `fwplan inspect --json PATH`, with `files[]` (`path`, `kind`, `signed_name`, `load`,
/// `protocol`, `family`, `models[]`, `version`, `build`, `components[]`, `missing[]`,
/// `term_for`, `problems[]`, ...), `packages[]` and `errors[]`. `path` may be a cmterm zip, a
/// bundle zip, a `.cop.sgn`, a tar, a `.loads` or other single file, or a folder (a TFTP root,
/// a downloads folder: each zip in it is a package of its own).
///
/// Returns `FWPLAN_OK` whenever the path could be read, even when some file inside it could
/// not be parsed: such files are listed in the document's `errors[]` (with `code`, `message`,
/// `file`, `entry`) and the rest is still described. (The CLI exits 3 in that case; a library
/// call hands over what it learned instead.) Fails when the path cannot be opened at all:
/// not found (`FWPLAN_IO`), not a readable package, or hostile (`FWPLAN_BAD_INPUT`: a zip
/// entry escaping with `..`, a link, a device name, a zip bomb...; the error names the entry).
///
/// **Example**
///
///     char* json = NULL;
///     fwplan_error* error = NULL;
///     if (fwplan_inspect("downloads/cmterm-7941_7961-sip.9-4-2SR3-1.zip", &json, &error)
///             == FWPLAN_OK) {
///         puts(json);   // ..."load": "SIP41.9-4-2SR3-1S", "protocol": "SIP", ...
///         fwplan_string_free(json);
///     } else {
///         fprintf(stderr, "%s\n", fwplan_error_message(error));
///         fwplan_error_free(error);
///     }
FWPLAN_C_API fwplan_status fwplan_inspect(const char* path, char** json_out,
                                          fwplan_error** error_out) FWPLAN_NOEXCEPT;

/// A planner: the knowledge fwplan plans with (its built-in knowledge base plus the user's
/// catalog files) and the firmware the user already has. Make one, plan as many phones as
/// needed with it (from several threads if wanted), then free it.
typedef struct fwplan_planner fwplan_planner;

/// Makes a planner.
/// - `catalog_files`: `catalog_count` paths of catalog files (docs/catalog-format.md) merged
///   over the built-in knowledge base, in order (what `fwplan --catalog FILE` does); NULL
///   when the count is 0.
/// - `firmware_paths`: `firmware_count` packages, loose files or folders the user has (what
///   `fwplan plan --firmware PATH` takes); plans then prefer these loads and say which steps
///   need a download. NULL when the count is 0.
///
/// Errors: a NULL array with a count above 0, or a NULL path in an array (`FWPLAN_USAGE`); a
/// catalog or package that cannot be read (`FWPLAN_IO`) or parsed (`FWPLAN_BAD_INPUT`),
/// naming the file.
///
/// **Example**
///
///     const char* firmware[] = {"/srv/downloads/cisco"};
///     fwplan_planner* planner = NULL;
///     fwplan_error* error = NULL;
///     if (fwplan_planner_new(NULL, 0, firmware, 1, &planner, &error) != FWPLAN_OK) { ... }
///     ...
///     fwplan_planner_free(planner);
FWPLAN_C_API fwplan_status fwplan_planner_new(const char* const* catalog_files,
                                              size_t catalog_count,
                                              const char* const* firmware_paths,
                                              size_t firmware_count, fwplan_planner** planner_out,
                                              fwplan_error** error_out) FWPLAN_NOEXCEPT;

/// Frees a planner. NULL is ignored. No call may be using it any more.
FWPLAN_C_API void fwplan_planner_free(fwplan_planner* planner) FWPLAN_NOEXCEPT;

/// Plans the chain of loads for one phone: the JSON document of `fwplan plan --json`, with
/// `model`, `family`, `from`, `to`, `from_assumed`, `steps[]` (each with `number`, `from`,
/// `load`, `protocol`, `version`, `package`, `available`, `available_in`, `files`, `missing`,
/// `protocol_change`, `downgrade`, `rules[]` with `id`, `title`, `confidence`, `role`,
/// `sources`, and `fallbacks[]`), `notes` and `missing_packages`. No steps: the phone
/// already runs the target.
/// - `model`: as people type it (`7941`, `CP-7941G`, `Cisco 7941`); required.
/// - `from`: the load the phone runs (`SCCP41.8-3-1S`); NULL: the oldest plausible one
///   (the document says so in `from_assumed` and `notes`).
/// - `to`: the load to end on; NULL: the family's final load in `to_protocol`.
/// - `to_protocol`: `SIP`, `SCCP` (or `MGCP`) when `to` is NULL; NULL: SIP. Giving both
///   `to` and `to_protocol` is `FWPLAN_USAGE`.
/// - `hw_rev`: the hardware revision on the phone's label (`V15`), which decides firmware
///   floors (78xx/88xx); NULL: unknown.
///
/// Errors: `FWPLAN_USAGE` (NULL planner, model or `json_out`; both targets);
/// `FWPLAN_BAD_INPUT` (an unknown model, a malformed load ID, protocol or hardware revision,
/// a load of another family); `FWPLAN_NOT_POSSIBLE` when no plan exists, with the rule that
/// forbids it in the message (`fwplan.plan.below-floor` naming H-02, `fwplan.plan.no-path`,
/// `fwplan.plan.no-protocol`, `fwplan.plan.unknown-target`).
///
/// **Example** (the README's example phone)
///
///     char* json = NULL;
///     fwplan_error* error = NULL;
///     switch (fwplan_plan(planner, "7941", "SCCP41.8-3-1S", NULL, NULL, NULL, &json, &error)) {
///     case FWPLAN_OK:            // steps: SCCP41.8-5-2S (J-01's bridge), SIP41.9-4-2SR3-1S
///         use_plan(json);
///         fwplan_string_free(json);
///         break;
///     case FWPLAN_NOT_POSSIBLE:  // a real answer: tell the user why
///         printf("no way: %s\n", fwplan_error_message(error));
///         fwplan_error_free(error);
///         break;
///     default:                   // bad arguments or data
///         fprintf(stderr, "%s [%s]\n", fwplan_error_message(error), fwplan_error_code(error));
///         fwplan_error_free(error);
///     }
FWPLAN_C_API fwplan_status fwplan_plan(const fwplan_planner* planner, const char* model,
                                       const char* from, const char* to, const char* to_protocol,
                                       const char* hw_rev, char** json_out,
                                       fwplan_error** error_out) FWPLAN_NOEXCEPT;

/// The `SEP<MAC>.cnf.xml` that makes one phone install one load (one step of a plan): the
/// user's template with `<loadInformation>` set to `load` and `<deviceProtocol>` to its
/// protocol, everything else byte for byte as in the template (device_config.hpp says what
/// is normalized); or fwplan's built-in SIP template filled from `settings_json`.
/// - `template_path`: the user's `SEP<MAC>.cnf.xml` template; NULL: the built-in one.
/// - `settings_json`: a JSON object filling the built-in template, and the 7940/7960 SIP
///   files of `fwplan_step_files` (NULL: defaults, which give a phone that installs the load
///   but registers nowhere). Keys, all optional, as in the C++ `SipSettings`: `server`,
///   `port` (5060), `outbound_proxy`, `outbound_proxy_port`, `ntp_server`, `time_zone`,
///   `date_template`, `legacy_time_zone`, `phone_label`, `lines` (an array of objects with
///   `name`, `auth_name`, `auth_password`, `display_name`, `messages_number`) and
///   `speed_dials` (objects with `label`, `number`). Unknown keys and wrong types are
///   refused, so a typo is not silently ignored.
/// - `model`, `mac` (`00:80:41:ae:fd:7e`, `0080.41ae.fd7e`, `SEP008041AEFD7E`, ...), `load`:
///   required.
/// - `file_name_out`: receives the file name, `SEP008041AEFD7E.cnf.xml`; may be NULL.
///
/// 7940/7960 running SIP also read `SIPDefault.cnf`, `SIP<MAC>.cnf` and `OS79XX.TXT`; use
/// `fwplan_step_files` to get every file of a step, and the warnings about what a phone
/// would stumble over.
///
/// Errors: `FWPLAN_USAGE` (a required argument NULL); `FWPLAN_BAD_INPUT` (an unknown model, a
/// malformed MAC or load, a load of another family, a template that is not XML or has no
/// `<device>` root, bad settings); `FWPLAN_IO` (the template cannot be read);
/// `FWPLAN_NOT_POSSIBLE` (an MGCP load).
///
/// **Example**
///
///     const char* settings = "{\"server\": \"192.168.178.1\", \"lines\": [{\"name\": \"620\","
///                            " \"auth_password\": \"secret\", \"display_name\": \"Office\"}]}";
///     char* xml = NULL;
///     char* name = NULL;
///     if (fwplan_render_config(NULL, settings, "7941", "00:80:41:ae:fd:7e",
///                              "SCCP41.8-5-2S", &xml, &name, &error) == FWPLAN_OK) {
///         write_file(tftp_root, name, xml);   // SEP008041AEFD7E.cnf.xml
///         fwplan_string_free(xml);
///         fwplan_string_free(name);
///     }
FWPLAN_C_API fwplan_status fwplan_render_config(const char* template_path,
                                                const char* settings_json, const char* model,
                                                const char* mac, const char* load, char** xml_out,
                                                char** file_name_out,
                                                fwplan_error** error_out) FWPLAN_NOEXCEPT;

/// Every file one phone reads to install one load, and the warnings about what it would
/// stumble over, as JSON: `{"files": [{"name", "shared", "content"}], "warnings": [{"code",
/// "message", "where"}]}`. `files[0]` is the `SEP<MAC>.cnf.xml` of `fwplan_render_config`;
/// 7940/7960 also get `SIPDefault.cnf` and `SIP<MAC>.cnf` (with `image_version` = the same
/// load) and, for SIP loads, `OS79XX.TXT`. `shared` files are one per TFTP root, for all
/// phones. Warnings (`fwplan.config.no-server`, `fwplan.config.no-auth`,
/// `fwplan.config.password-too-long`, ...) do not stop the files from being written. The
/// arguments and errors are those of `fwplan_render_config`.
///
/// **Example**
///
///     char* json = NULL;
///     if (fwplan_step_files("SEP-template.cnf.xml", "{\"server\": \"pbx.example\"}", "7960",
///                           "0080.41ae.fd7e", "P0S3-8-12-00", &json, &error) == FWPLAN_OK) {
///         write_files(json);    // SEP008041AEFD7E.cnf.xml, SIPDefault.cnf, ..., OS79XX.TXT
///         fwplan_string_free(json);
///     }
FWPLAN_C_API fwplan_status fwplan_step_files(const char* template_path, const char* settings_json,
                                             const char* model, const char* mac, const char* load,
                                             char** json_out,
                                             fwplan_error** error_out) FWPLAN_NOEXCEPT;

#ifdef __cplusplus
} // extern "C"
#endif

#endif // FWPLAN_FWPLAN_H
