/* Links fwplan::c from an install tree, as a C99 program (or an FFI) would use it: plan the
   7941 of the README and print the first step, then free everything. */
#include <fwplan/fwplan.h>

#include <stdio.h>
#include <string.h>

int main(void) {
    fwplan_planner* planner = NULL;
    fwplan_error* error = NULL;
    char* json = NULL;
    fwplan_status status = fwplan_planner_new(NULL, 0, NULL, 0, &planner, &error);
    if (status == FWPLAN_OK)
        status = fwplan_plan(planner, "7941", "SCCP41.8-3-1S", NULL, NULL, NULL, &json, &error);
    if (status != FWPLAN_OK) {
        fprintf(stderr, "fwplan: error: %s\n", fwplan_error_message(error));
        fwplan_error_free(error);
        fwplan_planner_free(planner);
        return (int)status;
    }
    const char* step = strstr(json, "\"load\": ");
    printf("fwplan %s: first step %.24s\n", fwplan_version(), step != NULL ? step : "(none)");
    fwplan_string_free(json);
    fwplan_planner_free(planner);
    return 0;
}
