// libFuzzer's driver, for programs that bring their own `main` (every SwiftPM executable does).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
