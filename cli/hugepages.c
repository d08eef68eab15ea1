/* hugepages.c -- run with glibc's malloc asking for transparent huge pages.
 *
 * At 10^6 records a run spends a fifth of its time in the kernel filling fresh
 * 4 KiB pages for the feature, block and candidate arrays (perf: the page
 * fault path and memmove of growing buffers). Backed by 2 MiB pages they fault
 * 512 times less often: a 10^6 x 10^6 FEBRL-like link took 43.8 s -> 38.5 s
 * wall, the same bytes out and the same peak memory (bench/RESULTS.md, issue
 * 11). The kernel gives them only to memory marked with madvise(MADV_HUGEPAGE)
 * on most distributions (transparent_hugepage=madvise), and glibc (2.35 and
 * later) marks what malloc maps when its tunable glibc.malloc.hugetlb is 1.
 * Tunables are read once, when the program is loaded, so the process starts
 * itself again with the tunable set, before it has opened or read anything.
 *
 * Never when the user set GLIBC_TUNABLES (theirs win, and that also ends the
 * loop: the second start sees it set), nor when /proc/self/exe is not this
 * program (valgrind and similar run it from their own binary). An older glibc
 * ignores the tunable; a failed exec leaves the process as it was.
 */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#if defined(__linux__) && defined(__GLIBC__)
void cli_prefer_huge_pages(char **argv)
{
    char self[4096];
    if (getenv("GLIBC_TUNABLES")) return;
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return;
    self[n] = '\0';
    if (strncmp(basename(self), "watchlink", 9) != 0) return;
    if (setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1) != 0) return;
    execv("/proc/self/exe", argv);
    unsetenv("GLIBC_TUNABLES"); /* could not start again: carry on as we are */
}
#else
void cli_prefer_huge_pages(char **argv) { (void)argv; }
#endif
