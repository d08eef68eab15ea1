/* pending.c -- TEMPORARY weak placeholders so the binary links while commands are
 * being written in parallel; each real cmd_<name>.c overrides its entry. Removed
 * once every command exists. */
#include "cli.h"

#define PENDING(name)                                                   \
    __attribute__((weak)) int cmd_##name(int argc, char **argv);        \
    __attribute__((weak)) int cmd_##name(int argc, char **argv)         \
    {                                                                   \
        (void)argc; (void)argv;                                         \
        cli_error("command '%s' is not built yet", #name);              \
        return EXIT_INTERNAL;                                           \
    }
PENDING(inspect)
PENDING(normalize)
PENDING(match)
PENDING(dedup)
PENDING(link)
PENDING(train)
PENDING(eval)
