/* api.c -- where the public header meets the stages: the ties between
 * watchlink.h's constants and the stages' own, checked at compile time. (The
 * version, status and role names live in common/labels.c, a field's name in
 * compare/field_name.c: the stages call them, and a stage may not call up
 * into pipeline/.) */
#include "block/block.h"
#include "common/common.h"

/* The public WL_BLOCK_* bits of wl_options.block_keys select the internal key
 * kinds by position (block.c collect_blocks tests bit 1 << kind): a kind added, removed or
 * reordered on one side only would silently switch on another key. The pipeline
 * is where the public header meets the stages, so the tie is checked here. */
_Static_assert(WL_BLOCK_PHONETIC_YEAR == 1u << WL_KIND_PHONETIC_YEAR, "WL_BLOCK_PHONETIC_YEAR");
_Static_assert(WL_BLOCK_PART_PAIR == 1u << WL_KIND_PART_PAIR, "WL_BLOCK_PART_PAIR");
_Static_assert(WL_BLOCK_DOC == 1u << WL_KIND_DOC, "WL_BLOCK_DOC");
_Static_assert(WL_BLOCK_FULL_NAME == 1u << WL_KIND_FULL_NAME, "WL_BLOCK_FULL_NAME");
_Static_assert(WL_BLOCK_SKELETON_NAT == 1u << WL_KIND_SKELETON_NAT, "WL_BLOCK_SKELETON_NAT");
_Static_assert(WL_BLOCK_PART_DOB == 1u << WL_KIND_PART_DOB, "WL_BLOCK_PART_DOB");
_Static_assert(WL_BLOCK_DEFAULT == (1u << WL_KIND_COUNT) - 1, "WL_BLOCK_DEFAULT: every kind, no other bit");
_Static_assert(WL_KIND_COUNT <= 1 << (64 - WL_KEY_KIND_SHIFT), "key kinds fit the key's top bits");
