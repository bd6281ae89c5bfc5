/*
 * A ring of batches handed back and forth between two threads, in order
 * (the pattern of a bounded producer-consumer queue whose slots are never
 * copied: only who owns each one changes).  Both of mcg's threads use it:
 * the import's rows, read and built ahead by a reader thread
 * (ledger/import.c), and an import's audit leaves, hashed on a thread of
 * their own (audit/leaf_pipe.c).
 *
 * Each of the ring's batches belongs to one side at a time.  It starts as
 * the first side's (the side that fills it); mcg_ring_hand_over makes it
 * the second's (the side that takes it), mcg_ring_hand_back the first's
 * again.  A side touches a batch's contents only while it owns it, and
 * waits for one with mcg_ring_await_over or mcg_ring_await_back.  The
 * mutex orders everything written to a batch before its handing with
 * everything read after the wait that saw it: the batches themselves need
 * no lock.  Each side goes round the batches in the same order, one after
 * the other, so each waits only for the one batch it needs next.
 *
 * mcg_ring_stop wakes both sides for good: a wait then returns 0 whatever
 * the batch's owner, so that a thread can leave its loop and be joined.
 */
#ifndef MCG_RING_H
#define MCG_RING_H

#include <pthread.h>
#include <stddef.h>

/* Batches in a ring, at most. */
#define MCG_RING_MAX 8

typedef struct mcg_ring {
	pthread_mutex_t mu;
	pthread_cond_t changed;         /* a batch changed hands, or stop */
	size_t n;
	int stop;
	unsigned char over[MCG_RING_MAX];   /* batch i is the taking side's */
} mcg_ring;

/* Starts a ring of n batches (1 to MCG_RING_MAX), every one the filling
 * side's.  0, or an errno (EINVAL for n). */
int mcg_ring_init(mcg_ring *r, size_t n);

/* Releases the mutex and condition; no thread may be waiting. */
void mcg_ring_destroy(mcg_ring *r);

/* The filling side hands batch i to the taking side. */
void mcg_ring_hand_over(mcg_ring *r, size_t i);

/* The taking side hands batch i back. */
void mcg_ring_hand_back(mcg_ring *r, size_t i);

/* Waits until batch i is the taking side's: 1, or 0 once stopped. */
int mcg_ring_await_over(mcg_ring *r, size_t i);

/* Waits until batch i is the filling side's: 1, or 0 once stopped. */
int mcg_ring_await_back(mcg_ring *r, size_t i);

/* Wakes every wait for good (they return 0). */
void mcg_ring_stop(mcg_ring *r);

#endif
