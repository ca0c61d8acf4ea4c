/* pietune C API: cost queries for compilers, from libpietune.so.
 *
 *   char err[256], json[8192];
 *   double cycles;
 *   pietune_handle* h = pietune_open(NULL, NULL, err, sizeof err);  // no database, bundled ESP32-S3
 *   if (!h) { fprintf(stderr, "%s\n", err); return 1; }
 *   int status = pietune_query(h, layer_json, "best", &cycles, json, sizeof json);
 *   if (status != PIETUNE_OK) fprintf(stderr, "%s\n", pietune_last_error(h));
 *   pietune_close(h);
 *
 * Layers are the JSON layer format (README "JSON layer format"), one layer object per call; the
 * answers are the JSON objects of `pietune query --json` and `pietune explain` (README "Cost
 * queries"). A layer whose op no kernel family implements is outside the timing model: the call
 * returns PIETUNE_NOT_COVERED and says so instead of guessing. No call throws or aborts on bad
 * input; every failure is a status code with a message in pietune_last_error().
 *
 * A handle is used from one thread at a time (open one per thread). Answers are memoised per layer
 * identity inside the handle, so asking again about a layer already answered is fast.
 */
#ifndef PIETUNE_CAPI_PIETUNE_H_
#define PIETUNE_CAPI_PIETUNE_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PIETUNE_API __attribute__((visibility("default")))
#else
#define PIETUNE_API
#endif

/* Status codes. */
#define PIETUNE_OK 0
#define PIETUNE_NOT_COVERED 1      /* no kernel family covers the layer's op: no estimate */
#define PIETUNE_ILLEGAL 2          /* the variant (or every variant) does not fit the layer: rule and reason */
#define PIETUNE_BAD_INPUT 3        /* malformed layer or variant JSON, unknown variant name, bad argument */
#define PIETUNE_BUFFER_TOO_SMALL 4 /* an OK answer did not fit in out_json (truncated); *cycles is still set */
#define PIETUNE_ERROR 5            /* database or internal failure */

typedef struct pietune_handle pietune_handle;

/* "0.1.0". */
PIETUNE_API const char* pietune_version(void);

/* Opens a query handle. db_path: a pietune cost database (created when missing; estimates stored by
 * `pietune tune` are reused, new ones are stored) or NULL for none. machine_path: a machine
 * description file, a preset name ("esp-tflite-micro", see `--machine`) or NULL for the bundled
 * ESP32-S3. Placement is the TFLite Micro default
 * (activations in SRAM, weights in flash). Returns NULL on failure with the message in err
 * (err may be NULL; the message is truncated to err_len - 1 bytes). */
PIETUNE_API pietune_handle* pietune_open(const char* db_path, const char* machine_path, char* err, size_t err_len);

/* Predicted cycles of a variant on one layer. variant: NULL or "best" (a search over the legal
 * variants), a variant name ("conv_qs8_accx_1p1c_u2__pie_unaligned_rqscalar") or a variant JSON
 * object ("{\"family\": ..., \"params\": {...}}"). On PIETUNE_OK *cycles is set (cycles may be NULL).
 * out_json (may be NULL when out_len is 0) receives the answer as one line of JSON, NUL-terminated,
 * also for PIETUNE_NOT_COVERED ({"covered": false, "reason": ...}) and PIETUNE_ILLEGAL
 * ({"legal": false, "rule": ..., "reason": ...}). */
PIETUNE_API int pietune_query(pietune_handle* handle, const char* layer_json, const char* variant, double* cycles,
                              char* out_json, size_t out_len);

/* Why the best variant wins: every family considered (legal or not, with the reason), the top `top`
 * variants (top >= 1) with their cycle breakdowns, and a sentence on the choice; same statuses. */
PIETUNE_API int pietune_explain(pietune_handle* handle, const char* layer_json, int top, char* out_json,
                                size_t out_len);

/* The message of the last failed call on this handle ("" after a success); valid until the next
 * call on the handle. A NULL handle gives a fixed message. */
PIETUNE_API const char* pietune_last_error(const pietune_handle* handle);

/* Closes the handle (NULL is allowed). Estimates are committed as they are made, so nothing is lost
 * when a process ends without closing. */
PIETUNE_API void pietune_close(pietune_handle* handle);

#ifdef __cplusplus
}
#endif

#endif /* PIETUNE_CAPI_PIETUNE_H_ */
