// SPDX-License-Identifier: GPL-2.0-or-later
/* owners_threads.c - the /proc walk on several threads: /proc is listed
 * first, the threads take its processes one at a time (each process whole
 * on one thread) into owners of their own, and those are merged in the
 * listing's order, which makes the result owners_walk's. */
#include "collect/owners.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "util/num.h"
#include "util/sig.h"

/* Descriptors left to the rest of the run while the walk runs beside it
 * (the netlink socket, namespace and cgroup directories). */
#define FDS_RESERVE 16
/* Descriptor numbers looked at for free ones: enough for every thread. */
#define FDS_WINDOW 1024
/* No entry in a worker's procs. */
#define NO_PROC UINT32_MAX

/* One process of the /proc listing, and where its walk's findings are. */
struct slot {
	size_t name; /* offset of its /proc name in names */
	int32_t pid;
	uint32_t worker;	   /* the thread that walked it */
	uint32_t proc;		   /* its entry in that thread's procs, or NO_PROC */
	size_t link_first, nlinks; /* its links in that thread's links */
};

/* The /proc listing, in readdir's order. */
struct listing {
	struct slot *v;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
};

/* What the threads share. */
struct shared {
	int procfd;
	struct listing *l;
	atomic_size_t next; /* the next slot to take */
	atomic_bool stop;   /* a walk failed: take no more */
	pthread_mutex_t lock;
	size_t fail_at; /* guarded by lock: the first failed slot, in listing order */
	int fail_err;	/* and its error */
};

struct worker {
	struct shared *s;
	struct owners o; /* what this thread found (raw links, its own proc indexes) */
	uint32_t id;
	pthread_t tid;
};

/* The CPUs this process may run on: its affinity mask, within the online
 * ones (at least 1). */
static long cpus(void)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN), n = 0;
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	if (n <= 0 || (online > 0 && online < n))
		n = online;
	return n < 1 ? 1 : n;
}

unsigned owners_walk_threads_default(bool beside_dump)
{
	/* beside the dump, one CPU is the dump's: it is the longer of the two.
	 * On 2 CPUs a second walk thread took its time there: report -o tsv
	 * at 100k sockets, medians of 5, 594 ms against 504 with one (the walk
	 * alone: 285 ms against 418). A streaming run waits for the walk. */
	long n = cpus() - (beside_dump ? 1 : 0);

	if (n < 1)
		n = 1;
	return n > OWNER_WALK_THREADS_DEFAULT_MAX ? OWNER_WALK_THREADS_DEFAULT_MAX : (unsigned)n;
}

/* A lower bound of the free descriptors: the numbers below RLIMIT_NOFILE
 * (the first FDS_WINDOW of them) that no descriptor holds now. poll()
 * answers POLLNVAL for those, and opens nothing. 0 if unknown. */
static size_t fds_free(void)
{
	struct rlimit rl;
	struct pollfd *v;
	size_t n, nfree = 0;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	n = rl.rlim_cur < FDS_WINDOW ? (size_t)rl.rlim_cur : FDS_WINDOW;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return 0;
	for (size_t i = 0; i < n; i++)
		v[i].fd = (int)i;
	if (poll(v, (nfds_t)n, 0) >= 0)
		for (size_t i = 0; i < n; i++)
			nfree += (v[i].revents & POLLNVAL) != 0;
	free(v);
	return nfree;
}

/* How many threads the descriptors allow, at most want (at least 1). */
static unsigned fd_budget(unsigned want)
{
	size_t nfree = fds_free();
	size_t n = nfree > FDS_RESERVE ? (nfree - FDS_RESERVE) / OWNERS_WALK_FDS_PER_THREAD : 0;

	return n < 1 ? 1 : n < want ? (unsigned)n : want;
}

/* Appends /proc entry name (pid) to l. Returns 0 or -ENOMEM. */
static int listing_add(struct listing *l, const char *name, int32_t pid)
{
	size_t len = strlen(name) + 1;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct slot *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	if (l->names_len + len > l->names_cap) {
		size_t cap = l->names_cap ? l->names_cap * 2 : 4096;
		char *v;

		while (cap < l->names_len + len)
			cap *= 2;
		v = realloc(l->names, cap);
		if (!v)
			return -ENOMEM;
		l->names = v;
		l->names_cap = cap;
	}
	memcpy(l->names + l->names_len, name, len);
	l->v[l->n++] = (struct slot){ .name = l->names_len, .pid = pid, .proc = NO_PROC };
	l->names_len += len;
	return 0;
}

static void listing_free(struct listing *l)
{
	free(l->v);
	free(l->names);
	memset(l, 0, sizeof(*l));
}

/* Lists the process directories of /proc into l. Returns 0 or -errno: as
 * in owners_walk, a listing that fails midway fails the walk. */
static int list_procs(const struct procfs *p, struct listing *l)
{
	struct proc_list pl;
	const char *name;
	int32_t pid;
	int err = proc_list_open(p, &pl);

	if (err)
		return err;
	while ((err = proc_list_next(&pl, &pid, &name)) > 0) {
		err = listing_add(l, name, pid);
		if (err)
			break;
	}
	proc_list_close(&pl);
	return err;
}

/* Notes that slot i failed with err; the first failure in listing order
 * is the walk's. */
static void fail_at(struct shared *s, size_t i, int err)
{
	pthread_mutex_lock(&s->lock);
	if (i < s->fail_at) {
		s->fail_at = i;
		s->fail_err = err;
	}
	pthread_mutex_unlock(&s->lock);
	atomic_store(&s->stop, true);
}

/* A thread's loop: takes the next process of the listing until none is
 * left or a walk failed. Every slot before a failed one was taken before
 * it and is walked to its end, so the first failure is owners_walk's. */
static void *work(void *arg)
{
	struct worker *w = arg;
	struct shared *s = w->s;

	while (!atomic_load(&s->stop)) {
		size_t i = atomic_fetch_add(&s->next, 1), np = w->o.nprocs, nl = w->o.nlinks;
		struct slot *sl;
		int err;

		if (i >= s->l->n)
			break;
		sl = &s->l->v[i];
		err = sig_interrupted()
			  ? -EINTR
			  : owners_walk_pid(&w->o, s->procfd, s->l->names + sl->name, sl->pid);
		sl->worker = w->id;
		sl->proc = w->o.nprocs > np ? (uint32_t)np : NO_PROC;
		sl->link_first = nl;
		sl->nlinks = w->o.nlinks - nl;
		if (err) {
			fail_at(s, i, err);
			break;
		}
	}
	return NULL;
}

/* Merges the workers' findings into o in the listing's order: processes
 * and links as one thread walking the listing would have added them.
 * Returns 0 or -ENOMEM. */
static int merge(const struct listing *l, const struct worker *w, size_t nw, struct owners *o)
{
	size_t np = 0, nl = 0;

	for (size_t k = 0; k < nw; k++) {
		np += w[k].o.nprocs;
		nl += w[k].o.nlinks;
		o->procs_scanned += w[k].o.procs_scanned;
		o->procs_denied += w[k].o.procs_denied;
		o->fds_denied += w[k].o.fds_denied;
		o->procs_gone += w[k].o.procs_gone;
		o->procs_incomplete += w[k].o.procs_incomplete;
		o->task_tables += w[k].o.task_tables;
	}
	o->procs = np ? malloc(np * sizeof(*o->procs)) : NULL;
	o->links = nl ? malloc(nl * sizeof(*o->links)) : NULL;
	if ((np && !o->procs) || (nl && !o->links))
		return -ENOMEM;
	o->procs_cap = np;
	o->links_cap = nl;
	for (size_t i = 0; i < l->n; i++) {
		const struct slot *sl = &l->v[i];
		const struct owners *from = &w[sl->worker].o;
		uint32_t proc = (uint32_t)o->nprocs;

		if (sl->proc == NO_PROC)
			continue; /* no socket fd: no entry and no link */
		o->procs[o->nprocs++] = from->procs[sl->proc];
		for (size_t k = 0; k < sl->nlinks; k++) {
			o->links[o->nlinks] = from->links[sl->link_first + k];
			o->links[o->nlinks++].proc = proc;
		}
	}
	return 0;
}

/* Runs the nw workers (w[0] on this thread) to the end of the listing;
 * returns how many ran. One that cannot start takes no slot: the others
 * take its share. */
static size_t run_workers(struct worker *w, size_t nw)
{
	bool *started = calloc(nw, sizeof(*started));
	size_t ran = 1;

	for (size_t k = 1; started && k < nw; k++) {
		started[k] = pthread_create(&w[k].tid, NULL, work, &w[k]) == 0;
		ran += started[k];
	}
	work(&w[0]);
	for (size_t k = 1; started && k < nw; k++)
		if (started[k])
			pthread_join(w[k].tid, NULL);
	free(started);
	return ran;
}

int owners_walk_threads(const struct procfs *p, unsigned nthreads, struct owners *o)
{
	struct shared s = { .procfd = p->dirfd, .fail_at = SIZE_MAX };
	struct listing l = { 0 };
	struct worker *w;
	size_t nw, ran;
	int err;

	if (nthreads == 0)
		nthreads = owners_walk_threads_default(true);
	if (nthreads > OWNER_WALK_THREADS_MAX)
		nthreads = OWNER_WALK_THREADS_MAX;
	nthreads = nthreads > 1 ? fd_budget(nthreads) : 1;
	if (nthreads == 1)
		return owners_walk(p, o);
	memset(o, 0, sizeof(*o));
	err = list_procs(p, &l);
	if (err) {
		listing_free(&l);
		return err;
	}
	nw = l.n < nthreads ? (l.n ? l.n : 1) : nthreads;
	w = calloc(nw, sizeof(*w));
	if (!w) {
		listing_free(&l);
		return -ENOMEM;
	}
	s.l = &l;
	atomic_init(&s.next, 0);
	atomic_init(&s.stop, false);
	pthread_mutex_init(&s.lock, NULL);
	for (size_t k = 0; k < nw; k++) {
		w[k].s = &s;
		w[k].id = (uint32_t)k;
	}
	ran = run_workers(w, nw);
	pthread_mutex_destroy(&s.lock);
	err = s.fail_at != SIZE_MAX ? s.fail_err : merge(&l, w, nw, o);
	for (size_t k = 0; k < nw; k++)
		owners_free(&w[k].o);
	free(w);
	listing_free(&l);
	if (err) {
		owners_free(o);
		return err;
	}
	o->walked = true;
	o->walk_threads = (unsigned)ran;
	return 0;
}
