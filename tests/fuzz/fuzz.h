/* Shared prototype of every fuzz target (libFuzzer's entry point). */
#ifndef WL_FUZZ_H
#define WL_FUZZ_H
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#endif
