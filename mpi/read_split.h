/* read_split.h -- watchlink-mpi's split read (read_split.c). */
#ifndef WL_MPI_READ_SPLIT_H
#define WL_MPI_READ_SPLIT_H

#include <mpi.h>
#include <stdint.h>

#include "cli.h"

/**
 * Reads o's lists into ds on every rank, each rank reading its byte range of
 * each list; rank 0 reports and writes --rejects (merged in input order).
 * Collective: every rank calls it. *sent adds the bytes this rank sent.
 * @return this rank's exit code (EXIT_OK when it did not fail itself, even
 *         when another rank did: the caller agrees on the worst).
 */
int mpi_read_lists(const cli_opts *o, int rank, int size, wl_dataset *ds, size_t *rejected, uint64_t *sent);

#endif
