/*
 * A hash of an id (a member's, a loan's) for the open-addressing tables
 * that look ids up: the loan cache (ledger/loan_cache.c), the check of
 * the write-once state (ledger/check_facts.c) and the reports' index of
 * loans (reports/portfolio.c).
 */
#ifndef MCG_HASH_H
#define MCG_HASH_H

#include <stdint.h>

/* FNV-1a over the NUL-terminated id, then MurmurHash3's 64-bit finaliser:
 * ids differ mostly in their last characters, and FNV alone leaves the low
 * bits that pick a slot poorly mixed.  Inline: the import hashes each
 * event's loan id on its hot path. */
static inline uint64_t mcg_id_hash(const char *id)
{
	uint64_t h = 14695981039346656037ULL;

	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

#endif
