// Minimal stand-in for tensorflow/lite/c/common.h: the types the pietune TFLM hook touches.
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef enum TfLiteStatus { kTfLiteOk = 0, kTfLiteError = 1 } TfLiteStatus;

typedef struct TfLiteIntArray {
  int size;
  int data[4];  // TFLM: a flexible array member; four are enough for the test's nodes
} TfLiteIntArray;

typedef union TfLitePtrUnion {
  int8_t* int8;
  char* raw;
  void* data;
} TfLitePtrUnion;

typedef struct TfLiteEvalTensor {
  TfLitePtrUnion data;
  TfLiteIntArray* dims;
} TfLiteEvalTensor;

typedef struct TfLiteNode {
  TfLiteIntArray* inputs;
  TfLiteIntArray* outputs;
  void* user_data;
  void* builtin_data;
} TfLiteNode;

typedef struct TfLiteContext TfLiteContext;
