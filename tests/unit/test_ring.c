/*
 * Unit tests for common/ring.c: batches handed between two threads arrive
 * whole and in order, each side waits for the batch it needs, and stop
 * wakes a waiting side for good.  (Under ThreadSanitizer the ring is
 * checked by make tsan, through the import that uses it: Criterion's
 * runner does not run under TSan.)
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/ring.h"

Test(ring, init_refuses_a_size_out_of_range)
{
	mcg_ring r;

	cr_expect_eq(mcg_ring_init(&r, 0), EINVAL);
	cr_expect_eq(mcg_ring_init(&r, MCG_RING_MAX + 1), EINVAL);
	cr_assert_eq(mcg_ring_init(&r, MCG_RING_MAX), 0);
	mcg_ring_destroy(&r);
}

Test(ring, a_new_ring_is_the_filling_sides)
{
	mcg_ring r;

	cr_assert_eq(mcg_ring_init(&r, 3), 0);
	for (size_t i = 0; i < 3; i++)
		cr_expect_eq(mcg_ring_await_back(&r, i), 1, "batch %zu", i);
	mcg_ring_hand_over(&r, 1);
	cr_expect_eq(mcg_ring_await_over(&r, 1), 1);
	mcg_ring_hand_back(&r, 1);
	cr_expect_eq(mcg_ring_await_back(&r, 1), 1);
	mcg_ring_destroy(&r);
}

/* The shared test of the two threads: BATCHES batches of WORDS numbers;
 * the filler writes the numbers 0, 1, 2, ... in turn, the taker reads
 * them and checks that each comes after the one before. */
#define BATCHES 3
#define WORDS 512
#define ROUNDS 3000

struct shared {
	mcg_ring ring;
	uint64_t batch[BATCHES][WORDS];
	uint64_t seen;          /* the taker's: numbers read in order */
	int out_of_order;       /* the taker's: numbers not where expected */
};

static void *taker(void *arg)
{
	struct shared *s = arg;

	for (size_t i = 0; mcg_ring_await_over(&s->ring, i); i = (i + 1) % BATCHES) {
		for (size_t w = 0; w < WORDS; w++) {
			if (s->batch[i][w] != s->seen)
				s->out_of_order++;
			s->seen++;
		}
		/* Scribble over the batch: a filler that did not wait for it
		 * back would leave these in the next round. */
		memset(s->batch[i], 0xff, sizeof(s->batch[i]));
		mcg_ring_hand_back(&s->ring, i);
	}
	return NULL;
}

Test(ring, batches_arrive_whole_and_in_order)
{
	static struct shared s;
	pthread_t t;
	uint64_t next = 0;

	memset(&s, 0, sizeof(s));
	cr_assert_eq(mcg_ring_init(&s.ring, BATCHES), 0);
	cr_assert_eq(pthread_create(&t, NULL, taker, &s), 0);
	for (size_t r = 0; r < ROUNDS; r++) {
		size_t i = r % BATCHES;

		cr_assert_eq(mcg_ring_await_back(&s.ring, i), 1);
		for (size_t w = 0; w < WORDS; w++)
			s.batch[i][w] = next++;
		mcg_ring_hand_over(&s.ring, i);
	}
	/* Every batch back: the taker has read them all. */
	for (size_t i = 0; i < BATCHES; i++)
		cr_assert_eq(mcg_ring_await_back(&s.ring, i), 1);
	mcg_ring_stop(&s.ring);
	pthread_join(t, NULL);
	mcg_ring_destroy(&s.ring);
	cr_expect_eq(s.seen, (uint64_t)ROUNDS * WORDS);
	cr_expect_eq(s.out_of_order, 0, "%d numbers out of order", s.out_of_order);
}

struct waiter {
	mcg_ring *ring;
	int returned;
};

static void *wait_for_batch_0(void *arg)
{
	struct waiter *w = arg;

	w->returned = mcg_ring_await_over(w->ring, 0);
	return NULL;
}

Test(ring, stop_wakes_a_waiting_side_for_good)
{
	mcg_ring r;
	struct waiter w = { &r, -1 };
	pthread_t t;

	cr_assert_eq(mcg_ring_init(&r, 2), 0);
	cr_assert_eq(pthread_create(&t, NULL, wait_for_batch_0, &w), 0);
	/* Batch 0 is never handed over: only stop ends the wait. */
	mcg_ring_stop(&r);
	pthread_join(t, NULL);
	cr_expect_eq(w.returned, 0);
	/* After stop, a wait returns 0 even for a batch that is there. */
	cr_expect_eq(mcg_ring_await_back(&r, 1), 0);
	mcg_ring_hand_over(&r, 1);
	cr_expect_eq(mcg_ring_await_over(&r, 1), 0);
	mcg_ring_destroy(&r);
}
