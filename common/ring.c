/*
 * A ring of batches handed between two threads: see ring.h.
 */
#include "ring.h"

#include <errno.h>
#include <string.h>

int mcg_ring_init(mcg_ring *r, size_t n)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if (n < 1 || n > MCG_RING_MAX)
		return EINVAL;
	r->n = n;
	rc = pthread_mutex_init(&r->mu, NULL);
	if (rc)
		return rc;
	rc = pthread_cond_init(&r->changed, NULL);
	if (rc)
		pthread_mutex_destroy(&r->mu);
	return rc;
}

void mcg_ring_destroy(mcg_ring *r)
{
	pthread_cond_destroy(&r->changed);
	pthread_mutex_destroy(&r->mu);
}

/* Batch i changes hands.  Two threads: the one waiting, if any, is the
 * other side, which a signal wakes. */
static void hand(mcg_ring *r, size_t i, unsigned char over)
{
	pthread_mutex_lock(&r->mu);
	r->over[i % r->n] = over;
	pthread_cond_signal(&r->changed);
	pthread_mutex_unlock(&r->mu);
}

void mcg_ring_hand_over(mcg_ring *r, size_t i)
{
	hand(r, i, 1);
}

void mcg_ring_hand_back(mcg_ring *r, size_t i)
{
	hand(r, i, 0);
}

static int await(mcg_ring *r, size_t i, unsigned char over)
{
	int going;

	pthread_mutex_lock(&r->mu);
	while (!r->stop && r->over[i % r->n] != over)
		pthread_cond_wait(&r->changed, &r->mu);
	going = !r->stop;
	pthread_mutex_unlock(&r->mu);
	return going;
}

int mcg_ring_await_over(mcg_ring *r, size_t i)
{
	return await(r, i, 1);
}

int mcg_ring_await_back(mcg_ring *r, size_t i)
{
	return await(r, i, 0);
}

void mcg_ring_stop(mcg_ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->stop = 1;
	pthread_cond_broadcast(&r->changed);
	pthread_mutex_unlock(&r->mu);
}
