/* Asks libpietune.so what one layer costs: the best variant's predicted cycles, the same layer
 * again (answered from the handle's memo), a layer outside the timing model, and a malformed
 * request, then an explanation of the choice. Plain C99.
 *
 *   query_layer LAYER.json [DB.sqlite]
 *
 * Prints "all checks passed" last when every answer looked as documented; exit 1 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pietune.h"

static char* read_file(const char* path) {
  FILE* f = fopen(path, "rb");
  char* text;
  long size;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return NULL;
  }
  text = malloc((size_t)size + 1);
  if (text != NULL && fread(text, 1, (size_t)size, f) == (size_t)size) {
    text[size] = '\0';
  } else {
    free(text);
    text = NULL;
  }
  fclose(f);
  return text;
}

/* A layer no kernel family implements (RESHAPE): pietune says so instead of guessing. */
static const char* const kReshape =
    "{\"op\": \"RESHAPE\", \"inputs\": [{\"shape\": [1, 4, 4, 2]}], \"outputs\": [{\"shape\": [1, 32]}]}";

int main(int argc, char** argv) {
  static char json[65536];
  char err[512];
  double cycles = 0, again = 0;
  int failures = 0;
  int status;
  char* layer;
  pietune_handle* h;

  if (argc < 2) {
    fprintf(stderr, "usage: %s LAYER.json [DB.sqlite]\n", argv[0]);
    return 2;
  }
  layer = read_file(argv[1]);
  if (layer == NULL) {
    fprintf(stderr, "query_layer: %s: cannot read\n", argv[1]);
    return 2;
  }
  h = pietune_open(argc > 2 ? argv[2] : NULL, NULL, err, sizeof err);
  if (h == NULL) {
    fprintf(stderr, "query_layer: %s\n", err);
    free(layer);
    return 1;
  }
  printf("libpietune %s\n", pietune_version());

  status = pietune_query(h, layer, "best", &cycles, json, sizeof json);
  if (status == PIETUNE_OK) {
    printf("best: %.0f predicted cycles\n", cycles);
    printf("answer: %.200s...\n", json);
  } else {
    printf("best: status %d: %s\n", status, pietune_last_error(h));
    ++failures;
  }

  status = pietune_query(h, layer, NULL, &again, NULL, 0);
  if (status != PIETUNE_OK || again != cycles) {
    printf("repeat: status %d, %.0f cycles (expected %.0f)\n", status, again, cycles);
    ++failures;
  }

  status = pietune_query(h, kReshape, "best", &again, json, sizeof json);
  printf("reshape: status %d: %s\n", status, pietune_last_error(h));
  if (status != PIETUNE_NOT_COVERED || strstr(json, "\"covered\":false") == NULL) ++failures;

  status = pietune_query(h, "{\"op\": ", "best", &again, json, sizeof json);
  printf("malformed: status %d: %s\n", status, pietune_last_error(h));
  if (status != PIETUNE_BAD_INPUT) ++failures;

  status = pietune_explain(h, layer, 2, json, sizeof json);
  if (status == PIETUNE_OK && strstr(json, "\"why\":") != NULL) {
    printf("explain: %.300s...\n", strstr(json, "\"why\":"));
  } else {
    printf("explain: status %d: %s\n", status, pietune_last_error(h));
    ++failures;
  }

  pietune_close(h);
  free(layer);
  if (failures > 0) {
    printf("%d checks failed\n", failures);
    return 1;
  }
  printf("all checks passed\n");
  return 0;
}
