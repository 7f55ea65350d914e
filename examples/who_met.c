/* Loads a Quipu script into a fresh database and answers a question: who met
 * the person named on the command line, and when. The C API version.
 *   who_met_c DB_DIR datasets/peru_china/seed.qql "Xi Jinping" */
#include <quipu/quipu.h>
#include <stdio.h>
#include <stdlib.h>

static char* ReadFile(const char* path) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  rewind(f);
  char* text = malloc((size_t)size + 1);
  if (text != NULL) text[fread(text, 1, (size_t)size, f)] = '\0';
  fclose(f);
  return text;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: who_met_c DB_DIR SCRIPT.qql NAME\n");
    return 2;
  }
  quipu_db* db = NULL;
  quipu_error* err = NULL;
  quipu_result* result = NULL;
  char* script = ReadFile(argv[2]);
  quipu_params* params = quipu_params_new();
  quipu_params_set_string(params, "who", argv[3]);
  if (script == NULL) {
    fprintf(stderr, "cannot read %s\n", argv[2]);
  } else if (quipu_open(argv[1], NULL, &db, &err) != QUIPU_OK ||
             quipu_execute_script(db, script, &err) != QUIPU_OK ||
             quipu_execute(db,
                           "match (p)-[m:met_with]->(x {name: $who}) "
                           "return p.name, m.since order by p.name;",
                           params, &result, &err) != QUIPU_OK) {
    fprintf(stderr, "error at line %u, column %u: %s\n", quipu_error_line(err),
            quipu_error_column(err), quipu_error_message(err));
  } else {
    for (size_t row = 0; row < quipu_result_row_count(result); ++row) {
      printf("%s met %s on %s\n", quipu_result_string(result, row, 0), argv[3],
             quipu_result_text(result, row, 1));
    }
  }
  int status = result != NULL ? 0 : 1;
  quipu_result_free(result);
  quipu_error_free(err);
  quipu_params_free(params);
  quipu_close(db);
  free(script);
  return status;
}
