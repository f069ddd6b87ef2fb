/* The C API (fwplan.h) from plain C11, as an FFI user meets it: statuses, error objects,
   JSON and XML strings, and the rules every function promises (outputs NULL on failure,
   NULL error_out allowed, NULL arguments are usage errors, never a crash). Each test frees
   everything it gets, so a run under valgrind or LeakSanitizer shows fwplan's leaks only. */
#define _POSIX_C_SOURCE 200809L /* mkdir, pthreads under -std=c11 */

#include <fwplan/fwplan.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FWPLAN_TESTDATA_DIR
#error "FWPLAN_TESTDATA_DIR must name the testdata folder"
#endif

/* ---- tiny assert helpers ------------------------------------------------------------ */

static int checks_run = 0;
static int checks_failed = 0;

static void check(int ok, const char* what, const char* file, int line) {
    ++checks_run;
    if (!ok) {
        ++checks_failed;
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    }
}

static void check_text(int ok, const char* what, const char* text, const char* file, int line) {
    check(ok, what, file, line);
    if (!ok)
        fprintf(stderr, "    in: %.2000s\n", text != NULL ? text : "(NULL)");
}

#define CHECK(cond) check((cond) ? 1 : 0, #cond, __FILE__, __LINE__)
#define CHECK_STR_EQ(a, b) check_text(strcmp((a), (b)) == 0, #a " == " #b, (a), __FILE__, __LINE__)
#define CHECK_CONTAINS(text, needle)                                                               \
    check_text((text) != NULL && strstr((text), (needle)) != NULL, #text " contains " #needle,     \
               (text), __FILE__, __LINE__)
#define CHECK_STATUS(status, expected, error)                                                      \
    check_text((status) == (expected), #status " == " #expected, fwplan_error_message(error),      \
               __FILE__, __LINE__)

static const char* path_of(const char* relative) {
    static char buffer[4096];
    snprintf(buffer, sizeof buffer, "%s/%s", FWPLAN_TESTDATA_DIR, relative);
    return buffer;
}

static const char* kMac = "00:80:41:ae:fd:7e";
static const char* kSettings = "{\"server\": \"192.168.178.1\", \"lines\": [{\"name\": \"620\","
                               " \"auth_password\": \"secret\", \"display_name\": \"Office\"}]}";

/* ---- version and errors ------------------------------------------------------------- */

static void test_version(void) {
    const char* version = fwplan_version();
    CHECK(version != NULL);
    CHECK_STR_EQ(version, FWPLAN_EXPECTED_VERSION);
}

static void test_null_error_accessors_and_frees(void) {
    CHECK(fwplan_error_status(NULL) == FWPLAN_OK);
    CHECK_STR_EQ(fwplan_error_code(NULL), "");
    CHECK_STR_EQ(fwplan_error_message(NULL), "");
    CHECK_STR_EQ(fwplan_error_hint(NULL), "");
    CHECK_STR_EQ(fwplan_error_file(NULL), "");
    CHECK_STR_EQ(fwplan_error_entry(NULL), "");
    fwplan_error_free(NULL);
    fwplan_string_free(NULL);
    fwplan_planner_free(NULL);
}

/* ---- inspect ------------------------------------------------------------------------ */

static void test_inspect_a_package(void) {
    char* json = NULL;
    fwplan_error* error = (fwplan_error*)1; /* must be reset to NULL on success */
    fwplan_status status =
        fwplan_inspect(path_of("packages/cmterm-7941_7961-sip.9-4-2SR3-1.zip"), &json, &error);
    CHECK_STATUS(status, FWPLAN_OK, NULL);
    CHECK(error == NULL);
    CHECK_CONTAINS(json, "\"SIP41.9-4-2SR3-1S\"");
    CHECK_CONTAINS(json, "\"kind\": \"loads\"");
    CHECK_CONTAINS(json, "\"term_for\": \"SIP41.9-4-2SR3-1S\"");
    CHECK_CONTAINS(json, "\"errors\": []");
    fwplan_string_free(json);
}

static void test_inspect_a_missing_file_is_io(void) {
    char* json = (char*)1; /* must be reset to NULL on failure */
    fwplan_error* error = NULL;
    fwplan_status status = fwplan_inspect(path_of("packages/no-such.zip"), &json, &error);
    CHECK_STATUS(status, FWPLAN_IO, error);
    CHECK(json == NULL);
    CHECK(fwplan_error_status(error) == FWPLAN_IO);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.archive.not-found");
    CHECK_CONTAINS(fwplan_error_file(error), "no-such.zip");
    fwplan_error_free(error);
}

static void test_inspect_a_hostile_zip_names_the_entry(void) {
    char* json = NULL;
    fwplan_error* error = NULL;
    fwplan_status status = fwplan_inspect(path_of("hostile/zip-slip.zip"), &json, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK(json == NULL);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.archive.path-traversal");
    CHECK_STR_EQ(fwplan_error_entry(error), "../evil.sbn");
    CHECK_CONTAINS(fwplan_error_file(error), "zip-slip.zip");
    CHECK_CONTAINS(fwplan_error_message(error), "zip-slip.zip: ../evil.sbn: has a '..' path");
    CHECK_CONTAINS(fwplan_error_message(error), "[fwplan.archive.path-traversal]");
    CHECK_CONTAINS(fwplan_error_hint(error), "not safe");
    fwplan_error_free(error);

    status = fwplan_inspect(path_of("hostile/symlink-entry.zip"), &json, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK_STR_EQ(fwplan_error_entry(error), "jar41sip.9-4-2ES26.sbn");
    fwplan_error_free(error);
}

static int copy_file(const char* from, const char* to) {
    char buffer[4096];
    size_t size = 0;
    FILE* in = fopen(from, "rb");
    FILE* out = fopen(to, "wb");
    int ok = in != NULL && out != NULL;
    while (ok && (size = fread(buffer, 1, sizeof buffer, in)) > 0)
        ok = fwrite(buffer, 1, size, out) == size;
    if (in != NULL)
        fclose(in);
    if (out != NULL)
        ok = fclose(out) == 0 && ok;
    return ok;
}

/* A TFTP root with a Latin-1 file name: described (the name with U+FFFD), not an error. */
static void test_inspect_a_folder_with_a_name_that_is_not_utf8(void) {
    char folder[4096];
    char path[4200];
    char loads[4200];
    mkdir(FWPLAN_TEST_TMPDIR, 0755);
    snprintf(folder, sizeof folder, "%s/latin1-root", FWPLAN_TEST_TMPDIR);
    mkdir(folder, 0755);
    snprintf(path, sizeof path, "%s/B\xfcro.txt", folder);
    snprintf(loads, sizeof loads, "%s/SIP41.8-5-4S.loads", folder);
    CHECK(copy_file(path_of("loose/SIP41.8-5-4S.loads"), loads));
    FILE* file = fopen(path, "wb");
    CHECK(file != NULL);
    if (file == NULL)
        return;
    fputs("notes\n", file);
    fclose(file);

    char* json = NULL;
    fwplan_error* error = NULL;
    fwplan_status status = fwplan_inspect(folder, &json, &error);
    CHECK_STATUS(status, FWPLAN_OK, error);
    CHECK_CONTAINS(json, "/B\xef\xbf\xbdro.txt\"");
    CHECK_CONTAINS(json, "\"load\": \"SIP41.8-5-4S\"");
    fwplan_string_free(json);
    fwplan_error_free(error);
    remove(path);
    remove(loads);
    rmdir(folder);
}

static void test_inspect_usage_errors(void) {
    char* json = NULL;
    fwplan_error* error = NULL;
    fwplan_status status = fwplan_inspect(NULL, &json, &error);
    CHECK_STATUS(status, FWPLAN_USAGE, error);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.c-api.null-argument");
    CHECK_CONTAINS(fwplan_error_message(error), "fwplan_inspect: path is NULL");
    fwplan_error_free(error);

    status = fwplan_inspect(path_of("loose/term41.default.loads"), NULL, &error);
    CHECK_STATUS(status, FWPLAN_USAGE, error);
    CHECK_CONTAINS(fwplan_error_message(error), "json_out is NULL");
    fwplan_error_free(error);

    /* No error wanted: the status alone. */
    CHECK(fwplan_inspect(NULL, NULL, NULL) == FWPLAN_USAGE);
}

/* ---- planning ----------------------------------------------------------------------- */

static fwplan_planner* builtin_planner(void) {
    fwplan_planner* planner = NULL;
    fwplan_error* error = NULL;
    fwplan_status status = fwplan_planner_new(NULL, 0, NULL, 0, &planner, &error);
    CHECK_STATUS(status, FWPLAN_OK, error);
    CHECK(planner != NULL);
    fwplan_error_free(error);
    return planner;
}

/* The offset of `"load": "<load>"` after the "steps" key, or -1. */
static long step_position(const char* json, const char* load) {
    char needle[256];
    const char* steps = strstr(json, "\"steps\"");
    if (steps == NULL)
        return -1;
    snprintf(needle, sizeof needle, "\"load\": \"%s\"", load);
    const char* found = strstr(steps, needle);
    return found == NULL ? -1 : (long)(found - json);
}

static void test_plan_the_worked_example(void) {
    fwplan_planner* planner = builtin_planner();
    char* json = NULL;
    fwplan_error* error = NULL;
    fwplan_status status =
        fwplan_plan(planner, "7941", "SCCP41.8-3-1S", NULL, NULL, NULL, &json, &error);
    CHECK_STATUS(status, FWPLAN_OK, error);
    CHECK(error == NULL);
    CHECK_CONTAINS(json, "\"model\": \"7941\"");
    CHECK_CONTAINS(json, "\"to\": \"SIP41.9-4-2SR3-1S\"");
    long bridge = step_position(json, "SCCP41.8-5-2S");
    long target = step_position(json, "SIP41.9-4-2SR3-1S");
    CHECK(bridge > 0);
    CHECK(target > bridge);
    CHECK(step_position(json, "SIP41.8-5-2SR1S") < 0);
    CHECK_CONTAINS(json, "\"id\": \"J-01\"");
    fwplan_string_free(json);

    /* "" means "not given", like NULL; an explicit protocol and target work too. */
    status = fwplan_plan(planner, "CP-7941G", "SCCP41.8-3-1S", "", "SCCP", "", &json, &error);
    CHECK_STATUS(status, FWPLAN_OK, error);
    CHECK_CONTAINS(json, "\"to\": \"SCCP41.9-4-2SR3-1S\"");
    fwplan_string_free(json);
    status =
        fwplan_plan(planner, "7941", "SCCP41.8-3-1S", "SIP41.8-5-4S", NULL, NULL, &json, &error);
    CHECK_STATUS(status, FWPLAN_OK, error);
    CHECK(step_position(json, "SIP41.8-5-4S") > 0);
    fwplan_string_free(json);

    /* No `from`: the oldest plausible load, and the plan says so. */
    status = fwplan_plan(planner, "7975", NULL, NULL, NULL, NULL, &json, &error);
    CHECK_STATUS(status, FWPLAN_OK, error);
    CHECK_CONTAINS(json, "\"from_assumed\": true");
    fwplan_string_free(json);
    fwplan_planner_free(planner);
}

static void test_plan_impossible_names_the_rule(void) {
    fwplan_planner* planner = builtin_planner();
    char* json = (char*)1;
    fwplan_error* error = NULL;
    fwplan_status status = fwplan_plan(planner, "8841", "sip88xx.14-2-1-0101-26",
                                       "sip88xx.12-0-1MN-113", NULL, "V15", &json, &error);
    CHECK_STATUS(status, FWPLAN_NOT_POSSIBLE, error);
    CHECK(json == NULL);
    CHECK(fwplan_error_status(error) == FWPLAN_NOT_POSSIBLE);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.plan.below-floor");
    CHECK_CONTAINS(fwplan_error_message(error), "H-02");
    CHECK_CONTAINS(fwplan_error_hint(error), "https://");
    fwplan_error_free(error);

    status = fwplan_plan(planner, "9971", NULL, NULL, "SCCP", NULL, &json, &error);
    CHECK_STATUS(status, FWPLAN_NOT_POSSIBLE, error);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.plan.no-protocol");
    fwplan_error_free(error);
    fwplan_planner_free(planner);
}

static void test_plan_bad_input(void) {
    fwplan_planner* planner = builtin_planner();
    char* json = NULL;
    fwplan_error* error = NULL;
    fwplan_status status =
        fwplan_plan(planner, "7941", "SCCP41.8-3", NULL, NULL, NULL, &json, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK(json == NULL);
    CHECK(strncmp(fwplan_error_code(error), "fwplan.load-id.", 15) == 0);
    CHECK_CONTAINS(fwplan_error_message(error), "from: ");
    fwplan_error_free(error);

    status = fwplan_plan(planner, "7941", NULL, "SIP41.9-x", NULL, NULL, &json, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK_CONTAINS(fwplan_error_message(error), "to: ");
    fwplan_error_free(error);

    status = fwplan_plan(planner, "7941", "SIP42.8-5-4S", NULL, NULL, NULL, &json, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK_CONTAINS(fwplan_error_message(error), "7942/7962");
    fwplan_error_free(error);

    status = fwplan_plan(planner, "7999", NULL, NULL, NULL, NULL, &json, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    fwplan_error_free(error);

    status = fwplan_plan(planner, "7941", NULL, NULL, "H323", NULL, &json, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.protocol.unknown");
    fwplan_error_free(error);

    status = fwplan_plan(planner, "7941", NULL, NULL, NULL, "rev A", &json, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    fwplan_error_free(error);

    CHECK(fwplan_plan(planner, "7941", "garbage", NULL, NULL, NULL, &json, NULL) ==
          FWPLAN_BAD_INPUT);
    CHECK(json == NULL);
    fwplan_planner_free(planner);
}

static void test_plan_usage_errors(void) {
    fwplan_planner* planner = builtin_planner();
    char* json = NULL;
    fwplan_error* error = NULL;
    fwplan_status status =
        fwplan_plan(planner, NULL, "SCCP41.8-3-1S", NULL, NULL, NULL, &json, &error);
    CHECK_STATUS(status, FWPLAN_USAGE, error);
    CHECK(fwplan_error_status(error) == FWPLAN_USAGE);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.c-api.null-argument");
    CHECK_CONTAINS(fwplan_error_message(error), "fwplan_plan: model is NULL");
    fwplan_error_free(error);

    CHECK(fwplan_plan(NULL, "7941", NULL, NULL, NULL, NULL, &json, NULL) == FWPLAN_USAGE);
    CHECK(fwplan_plan(planner, "7941", NULL, NULL, NULL, NULL, NULL, NULL) == FWPLAN_USAGE);

    status = fwplan_plan(planner, "7941", NULL, "SIP41.9-4-2SR3-1S", "SIP", NULL, &json, &error);
    CHECK_STATUS(status, FWPLAN_USAGE, error);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.c-api.two-targets");
    fwplan_error_free(error);
    fwplan_planner_free(planner);
}

static void test_planner_with_firmware_and_catalogs(void) {
    const char* firmware[] = {path_of("packages/cmterm-7941_7961-sccp.8-5-2.zip")};
    fwplan_planner* planner = NULL;
    fwplan_error* error = NULL;
    fwplan_status status = fwplan_planner_new(NULL, 0, firmware, 1, &planner, &error);
    CHECK_STATUS(status, FWPLAN_OK, error);
    char* json = NULL;
    status = fwplan_plan(planner, "7941", "SCCP41.8-3-1S", NULL, NULL, NULL, &json, &error);
    CHECK_STATUS(status, FWPLAN_OK, error);
    CHECK_CONTAINS(json, "\"available\": true");
    CHECK_CONTAINS(json, "cmterm-7941_7961-sccp.8-5-2.zip\"");
    CHECK_CONTAINS(json, "\"missing_packages\": [\n    \"cmterm-7941_7961-sip.9-4-2SR3-1.zip\"");
    fwplan_string_free(json);
    fwplan_planner_free(planner);

    /* A catalog that is not one: bad input naming the file. */
    const char* catalogs[] = {path_of("templates/7941-minimal.cnf.xml")};
    status = fwplan_planner_new(catalogs, 1, NULL, 0, &planner, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK(planner == NULL);
    CHECK_CONTAINS(fwplan_error_file(error), "7941-minimal.cnf.xml");
    fwplan_error_free(error);

    const char* missing[] = {path_of("no-such-catalog.xml")};
    status = fwplan_planner_new(missing, 1, NULL, 0, &planner, &error);
    CHECK_STATUS(status, FWPLAN_IO, error);
    fwplan_error_free(error);

    const char* hostile[] = {path_of("hostile/zip-slip.zip")};
    status = fwplan_planner_new(NULL, 0, hostile, 1, &planner, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK_STR_EQ(fwplan_error_entry(error), "../evil.sbn");
    fwplan_error_free(error);
}

static void test_planner_usage_errors(void) {
    fwplan_planner* planner = NULL;
    fwplan_error* error = NULL;
    fwplan_status status = fwplan_planner_new(NULL, 2, NULL, 0, &planner, &error);
    CHECK_STATUS(status, FWPLAN_USAGE, error);
    CHECK_CONTAINS(fwplan_error_message(error), "catalog_files is NULL but its count is 2");
    fwplan_error_free(error);

    const char* with_null[] = {path_of("packages/cmterm-7941_7961-sccp.8-5-2.zip"), NULL};
    status = fwplan_planner_new(NULL, 0, with_null, 2, &planner, &error);
    CHECK_STATUS(status, FWPLAN_USAGE, error);
    CHECK_CONTAINS(fwplan_error_message(error), "firmware_paths[1] is NULL");
    CHECK(planner == NULL);
    fwplan_error_free(error);

    CHECK(fwplan_planner_new(NULL, 0, NULL, 0, NULL, NULL) == FWPLAN_USAGE);
}

/* One planner, several threads planning at once (the header promises it works). */
static void* plan_many(void* planner) {
    for (int i = 0; i < 10; ++i) {
        char* json = NULL;
        if (fwplan_plan((const fwplan_planner*)planner, i % 2 ? "7941" : "7960", NULL, NULL, NULL,
                        NULL, &json, NULL) != FWPLAN_OK)
            return (void*)1;
        int ok = strstr(json, "\"steps\"") != NULL;
        fwplan_string_free(json);
        if (!ok)
            return (void*)1;
    }
    return NULL;
}

static void test_one_planner_many_threads(void) {
    fwplan_planner* planner = builtin_planner();
    pthread_t threads[4];
    for (int i = 0; i < 4; ++i)
        CHECK(pthread_create(&threads[i], NULL, plan_many, planner) == 0);
    for (int i = 0; i < 4; ++i) {
        void* result = (void*)1;
        CHECK(pthread_join(threads[i], &result) == 0);
        CHECK(result == NULL);
    }
    fwplan_planner_free(planner);
}

/* ---- configuration files ------------------------------------------------------------ */

static void test_render_with_the_builtin_template(void) {
    char* xml = NULL;
    char* name = NULL;
    fwplan_error* error = NULL;
    fwplan_status status =
        fwplan_render_config(NULL, kSettings, "7941", kMac, "SCCP41.8-5-2S", &xml, &name, &error);
    CHECK_STATUS(status, FWPLAN_OK, error);
    CHECK(error == NULL);
    CHECK_CONTAINS(xml, "<loadInformation>SCCP41.8-5-2S</loadInformation>");
    CHECK_CONTAINS(xml, "<deviceProtocol>SCCP</deviceProtocol>");
    CHECK_CONTAINS(xml, "<processNodeName>192.168.178.1</processNodeName>");
    CHECK_CONTAINS(xml, "<authPassword>secret</authPassword>");
    CHECK_STR_EQ(name, "SEP008041AEFD7E.cnf.xml");
    fwplan_string_free(xml);
    fwplan_string_free(name);

    /* No settings, no file name wanted. */
    status = fwplan_render_config(NULL, NULL, "7941", "SEP008041AEFD7E", "SIP41.9-4-2SR3-1S", &xml,
                                  NULL, &error);
    CHECK_STATUS(status, FWPLAN_OK, error);
    CHECK_CONTAINS(xml, "<loadInformation>SIP41.9-4-2SR3-1S</loadInformation>");
    CHECK_CONTAINS(xml, "<deviceProtocol>SIP</deviceProtocol>");
    fwplan_string_free(xml);
}

static void test_render_with_a_user_template(void) {
    char* xml = NULL;
    char* name = NULL;
    fwplan_error* error = NULL;
    fwplan_status status =
        fwplan_render_config(path_of("templates/7941-sip-fritzbox.cnf.xml"), NULL, "7941",
                             "0080.41ae.fd7e", "SIP41.9-4-2SR3-1S", &xml, &name, &error);
    CHECK_STATUS(status, FWPLAN_OK, error);
    CHECK_CONTAINS(xml, "<loadInformation>SIP41.9-4-2SR3-1S</loadInformation>");
    CHECK_CONTAINS(xml, "registered as an IP phone of a\n     FritzBox"); /* comment kept */
    CHECK_CONTAINS(xml, "<sshUserId>cisco</sshUserId>");
    CHECK_STR_EQ(name, "SEP008041AEFD7E.cnf.xml");
    fwplan_string_free(xml);
    fwplan_string_free(name);
}

static void test_render_errors(void) {
    char* xml = (char*)1;
    char* name = (char*)1;
    fwplan_error* error = NULL;
    fwplan_status status = fwplan_render_config(NULL, NULL, "7941", "00:80:41:ae:fd",
                                                "SCCP41.8-5-2S", &xml, &name, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK(xml == NULL);
    CHECK(name == NULL);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.mac.malformed");
    fwplan_error_free(error);

    status =
        fwplan_render_config(NULL, NULL, "7941", kMac, "SIP42.9-4-2SR3-1S", &xml, &name, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.config.load-model-mismatch");
    fwplan_error_free(error);

    status = fwplan_render_config(NULL, NULL, "7941", kMac, "SCCP41.8-5", &xml, &name, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK_CONTAINS(fwplan_error_message(error), "load: ");
    fwplan_error_free(error);

    status = fwplan_render_config(path_of("templates/no-such.cnf.xml"), NULL, "7941", kMac,
                                  "SCCP41.8-5-2S", &xml, &name, &error);
    CHECK_STATUS(status, FWPLAN_IO, error);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.config.template-read");
    fwplan_error_free(error);

    status = fwplan_render_config(path_of("packages/cmterm-7941_7961-sip.9-4-2SR3-1.zip"), NULL,
                                  "7941", kMac, "SCCP41.8-5-2S", &xml, &name, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    fwplan_error_free(error);

    status = fwplan_render_config(NULL, NULL, "7960", kMac, "P0M3-07-5-00", &xml, &name, &error);
    CHECK_STATUS(status, FWPLAN_NOT_POSSIBLE, error);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.config.mgcp");
    fwplan_error_free(error);

    status = fwplan_render_config(NULL, NULL, NULL, kMac, "SCCP41.8-5-2S", &xml, &name, &error);
    CHECK_STATUS(status, FWPLAN_USAGE, error);
    CHECK_CONTAINS(fwplan_error_message(error), "fwplan_render_config: model is NULL");
    fwplan_error_free(error);
    CHECK(fwplan_render_config(NULL, NULL, "7941", NULL, "SCCP41.8-5-2S", &xml, &name, NULL) ==
          FWPLAN_USAGE);
    CHECK(fwplan_render_config(NULL, NULL, "7941", kMac, NULL, &xml, &name, NULL) == FWPLAN_USAGE);
    CHECK(fwplan_render_config(NULL, NULL, "7941", kMac, "SCCP41.8-5-2S", NULL, &name, NULL) ==
          FWPLAN_USAGE);
    CHECK(name == NULL);
}

static void test_settings_are_checked(void) {
    char* xml = NULL;
    fwplan_error* error = NULL;
    fwplan_status status = fwplan_render_config(NULL, "{\"server\": ", "7941", kMac,
                                                "SCCP41.8-5-2S", &xml, NULL, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.settings.not-json");
    CHECK_STR_EQ(fwplan_error_file(error), "settings_json");
    fwplan_error_free(error);

    status = fwplan_render_config(NULL, "{\"sever\": \"pbx\"}", "7941", kMac, "SCCP41.8-5-2S", &xml,
                                  NULL, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.settings.unknown-key");
    CHECK_CONTAINS(fwplan_error_message(error), "'sever'");
    CHECK_CONTAINS(fwplan_error_hint(error), "server, port");
    fwplan_error_free(error);

    status = fwplan_render_config(NULL, "{\"lines\": [{\"name\": 620}]}", "7941", kMac,
                                  "SCCP41.8-5-2S", &xml, NULL, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.settings.wrong-type");
    CHECK_CONTAINS(fwplan_error_message(error), "lines[0].name must be a string");
    fwplan_error_free(error);

    status = fwplan_render_config(NULL, "{\"port\": 70000}", "7941", kMac, "SCCP41.8-5-2S", &xml,
                                  NULL, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK_CONTAINS(fwplan_error_message(error), "port must be a whole number");
    fwplan_error_free(error);

    /* Well-typed but unusable: validate() refuses it. */
    status = fwplan_render_config(NULL, "{\"server\": \"pbx with spaces\"}", "7941", kMac,
                                  "SCCP41.8-5-2S", &xml, NULL, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.config.bad-setting");
    fwplan_error_free(error);
    CHECK(xml == NULL);
}

static void test_step_files_of_a_7960(void) {
    char* json = NULL;
    fwplan_error* error = NULL;
    fwplan_status status = fwplan_step_files(
        NULL,
        "{\"server\": \"192.168.178.1\", \"lines\": [{\"name\": \"620\", \"auth_password\": "
        "\"secret\"}]}",
        "7960", kMac, "P0S3-8-12-00", &json, &error);
    CHECK_STATUS(status, FWPLAN_OK, error);
    CHECK_CONTAINS(json, "\"name\": \"SEP008041AEFD7E.cnf.xml\"");
    CHECK_CONTAINS(json, "\"name\": \"SIPDefault.cnf\",\n      \"shared\": true");
    CHECK_CONTAINS(json, "\"name\": \"SIP008041AEFD7E.cnf\",\n      \"shared\": false");
    CHECK_CONTAINS(json, "\"name\": \"OS79XX.TXT\"");
    CHECK_CONTAINS(json, "image_version: P0S3-8-12-00");
    CHECK_CONTAINS(json, "\"warnings\": [");
    fwplan_string_free(json);

    /* The built-in template with no line: written, with warnings saying what is missing. */
    status = fwplan_step_files(NULL, NULL, "7941", kMac, "SIP41.9-4-2SR3-1S", &json, &error);
    CHECK_STATUS(status, FWPLAN_OK, error);
    CHECK_CONTAINS(json, "\"code\": \"fwplan.config.no-server\"");
    CHECK_CONTAINS(json, "\"code\": \"fwplan.config.no-line\"");
    CHECK(strstr(json, "SIPDefault.cnf") == NULL);
    fwplan_string_free(json);

    CHECK(fwplan_step_files(NULL, NULL, "7941", kMac, "SIP41.9-4-2SR3-1S", NULL, NULL) ==
          FWPLAN_USAGE);
}

/* A template in Latin-1: the XML is written byte for byte, but JSON cannot carry it. */
static void test_step_files_refuse_what_json_cannot_carry(void) {
    char path[4096];
    mkdir(FWPLAN_TEST_TMPDIR, 0755);
    snprintf(path, sizeof path, "%s/latin1.cnf.xml", FWPLAN_TEST_TMPDIR);
    FILE* file = fopen(path, "wb");
    CHECK(file != NULL);
    if (file == NULL)
        return;
    fputs("<device><!-- B\xfcro --><loadInformation/></device>\n", file);
    fclose(file);

    char* xml = NULL;
    fwplan_error* error = NULL;
    fwplan_status status =
        fwplan_render_config(path, NULL, "7941", kMac, "SCCP41.8-5-2S", &xml, NULL, &error);
    CHECK_STATUS(status, FWPLAN_OK, error);
    CHECK_CONTAINS(xml, "B\xfcro");
    fwplan_string_free(xml);

    char* json = NULL;
    status = fwplan_step_files(path, NULL, "7941", kMac, "SCCP41.8-5-2S", &json, &error);
    CHECK_STATUS(status, FWPLAN_BAD_INPUT, error);
    CHECK(json == NULL);
    CHECK_STR_EQ(fwplan_error_code(error), "fwplan.config.not-utf8");
    CHECK_STR_EQ(fwplan_error_file(error), "SEP008041AEFD7E.cnf.xml");
    fwplan_error_free(error);
    remove(path);
}

int main(void) {
    test_version();
    test_null_error_accessors_and_frees();
    test_inspect_a_package();
    test_inspect_a_missing_file_is_io();
    test_inspect_a_hostile_zip_names_the_entry();
    test_inspect_a_folder_with_a_name_that_is_not_utf8();
    test_inspect_usage_errors();
    test_plan_the_worked_example();
    test_plan_impossible_names_the_rule();
    test_plan_bad_input();
    test_plan_usage_errors();
    test_planner_with_firmware_and_catalogs();
    test_planner_usage_errors();
    test_one_planner_many_threads();
    test_render_with_the_builtin_template();
    test_render_with_a_user_template();
    test_render_errors();
    test_settings_are_checked();
    test_step_files_of_a_7960();
    test_step_files_refuse_what_json_cannot_carry();
    printf("%d checks, %d failed\n", checks_run, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}
