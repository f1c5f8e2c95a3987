#ifndef TWIN_LISTS
#define TWIN_LISTS NLISTS
#endif

// ---- run: the setup alone, then the threads together behind a barrier, each with a
// ring of its own; a watchdog interrupts a syscall past its deadline ----
static pthread_barrier_t start_line;

static void on_interrupt(int sig) { (void)sig; }

// The parent died (PR_SET_PDEATHSIG): end the FUSE connection first, then the run.
static void on_parent_death(int sig) {
  (void)sig;
  fuse_abort();
  _exit(3);
}

static void harness_action(const struct op *op, struct outcome *out) {
  char level = (char)('0' + op->arg);
  long long call = now_ns();
  out->ran = 1;
  out->res = 0;
  if (op->kind == DROP_CACHES && (drop_caches_fd < 0 || pwrite(drop_caches_fd, &level, 1, 0) != 1)) out->res = -errno;
  if (op->kind == SLEEP) usleep(op->arg);
  if (op->kind == REVALIDATE) revalidate();
  out->enter_us = (long)((now_ns() - call) / 1000);
}

static void *work(void *arg) {
  struct worker *w = arg;
  const struct list *l = w->list;
  w->tid = (pid_t)syscall(SYS_gettid);
  int ring_error = 0;
  if (USES_URING && !twin) {
    // One task submits and reaps, so io-wq's completions wait for its next enter
    // (DEFER_TASKRUN): a CQE seen right after the submit-only enter came inline.
    int r = io_uring_queue_init(2 * MAX_CHAIN, &w->ring, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
    if (r == -EINVAL) r = io_uring_queue_init(2 * MAX_CHAIN, &w->ring, 0);
    if (r == 0) w->have_ring = 1, r = io_uring_register_files_sparse(&w->ring, SLOTS);
    if (r < 0) fprintf(stderr, "repro: io_uring setup: %s\n", strerror(-r)), ring_error = 1;
  }
  pthread_barrier_wait(&start_line);
  for (int i = 0; i < l->n && !ring_error;) {
    struct op chain[MAX_CHAIN];
    chain[0] = issued(&l->ops[i]);
    struct outcome *out = &w->out[i];
    if (is_harness_action(chain[0].kind)) {
      harness_action(&chain[0], out);
      ++i;
    } else if (chain[0].via == SYSCALL) {
      run_syscall(w, &chain[0], out);
      ++i;
    } else {
      int n = chain_length(l->ops, l->n, i);
      for (int k = 1; k < n; ++k) chain[k] = issued(&l->ops[i + k]);
      run_chain(w, chain, n, out);
      i += n;
    }
  }
  if (w->have_ring) io_uring_queue_exit(&w->ring);
  atomic_store(&w->finished, ring_error ? 2 : 1);
  return NULL;
}

// Runs lists [from, to) together. Returns 0, 2 when io_uring could not be set up, 1 when
// an op did not come back (its thread is left behind).
static int run_phase(int from, int to) {
  int n = to - from, status = 0;
  struct worker *w = calloc((size_t)n, sizeof *w);
  pthread_t *threads = calloc((size_t)n, sizeof *threads);
  pthread_barrier_init(&start_line, NULL, (unsigned)n);
  for (int k = 0; k < n; ++k) {
    w[k].list = &lists[from + k];
    w[k].out = &shared->out[lists[from + k].first];
    if (pthread_create(&threads[k], NULL, work, &w[k]) != 0) die("pthread_create");
  }
  for (;;) {
    int running = 0;
    long long t = now_ns();
    for (int k = 0; k < n; ++k) {
      if (atomic_load(&w[k].finished)) continue;
      long long started = atomic_load(&w[k].op_started);
      running = 1;
      if (!started || t - started <= DEADLINE_NS) continue;
      if (atomic_load(&w[k].via_syscall) && !atomic_load(&w[k].interrupted)) {
        atomic_store(&w[k].interrupted, 1);
        syscall(SYS_tgkill, getpid(), w[k].tid, SIGUSR2);
      } else if (t - started > DEADLINE_NS + 2 * GRACE_NS) {
        status = 1;  // still in the kernel after its interrupt or cancel
      }
    }
    if (!running || status == 1) break;
    usleep(1000);
  }
  for (int k = 0; k < n; ++k) {
    shared->tid[from + k] = w[k].tid;
    if (status == 1) continue;  // threads left behind keep `w`
    pthread_join(threads[k], NULL);
    if (atomic_load(&w[k].finished) == 2) status = 2;
  }
  pthread_barrier_destroy(&start_line);
  return status;
}

// The child process of one run: a fresh root, the setup, the threads.
static void run_child(int lists_to_run) {
  struct sigaction sa = {0};
  sa.sa_handler = on_interrupt;  // no SA_RESTART: an interrupted wait returns EINTR
  sigaction(SIGUSR2, &sa, NULL);
  signal(SIGHUP, on_parent_death);
  prctl(PR_SET_PDEATHSIG, SIGHUP);
  if (getppid() == 1) _exit(3);
  make_root();
  for (int i = 0; i < SLOTS; ++i) atomic_store(&regs[i], REG_EMPTY);
  int status = lists[0].n > 0 ? run_phase(0, 1) : 0;
  if (status == 0 && lists_to_run > 1) status = run_phase(1, lists_to_run);
  shared->abandoned = status == 1;
  if (status != 1) regs_reset();
  fuse_abort();  // a thread left behind in a FUSE request can then end with the process
  fflush(stdout);
  _exit(status == 2 ? 2 : 0);
}

// One run in a child process; its outcomes land in `shared`. Exits 2 when the child
// could not make its root or its rings.
static void run_once(int as_twin) {
  memset(shared, 0, sizeof *shared);
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    twin = as_twin;
    run_child(as_twin ? TWIN_LISTS : NLISTS);
  }
  int status;
  long long give_up = now_ns() + (TOTAL_OPS + 1) * (DEADLINE_NS + 3 * GRACE_NS) + 10 * GRACE_NS;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (now_ns() > give_up) {
      kill(pid, SIGKILL);
      shared->abandoned = 1;
      fprintf(stderr, "repro: the run did not end; killed it\n");
      return;
    }
    usleep(2000);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 2) exit(2);
  if (!WIFEXITED(status)) fprintf(stderr, "repro: the run died of signal %d\n", WTERMSIG(status)), shared->abandoned = 1;
}

// The helpers below serve the checks; not every check uses each (hence inline).
static inline const char *errname(int res) {
  static char buf[4][32];
  static int next;
  char *b = buf[next++ % 4];
  const char *name = res < 0 ? strerrorname_np(-res) : NULL;
  if (res >= 0) snprintf(b, 32, "ok (%d)", res);
  else if (name) snprintf(b, 32, "%s", name);
  else snprintf(b, 32, "E%d", -res);
  return b;
}

// "T0 #1 open(...) [uring]", or "setup #0 ...".
static inline const char *where(int list, int i) {
  static char buf[2][600];
  static int next;
  char *b = buf[next++ % 2];
  if (list == 0) snprintf(b, 600, "setup #%d %s", i, lists[0].ops[i].text);
  else snprintf(b, 600, "T%d #%d %s", list - 1, i, lists[list].ops[i].text);
  return b;
}

static int verbose;  // -v or NFZ_REPRO_VERBOSE=1: every op's outcome after each run
static void print_outcomes(int as_twin) {
  for (int l = 0; l < (as_twin ? TWIN_LISTS : NLISTS); ++l)
    for (int i = 0; i < lists[l].n; ++i) {
      const struct outcome *o = &shared->out[lists[l].first + i];
      const struct op *op = &lists[l].ops[i];
      const char *how = !o->ran ? "never returned" : o->hung ? "hung" : as_twin || op->via == SYSCALL ? "syscall"
                        : o->inline_ ? "inline" : "punted";
      printf("  %s%s -> %s, %s, nvcsw +%ld, %ld us\n", as_twin ? "(as a syscall) " : "", where(l, i),
             o->ran ? errname(o->res) : "-", how, o->nvcsw, o->enter_us);
    }
}

// A run on a fresh target (a loop image is formatted again first).
static void fresh_run(int as_twin) {
#if FS_KIND == FS_LOOP
  format_loop();
#endif
  run_once(as_twin);
  if (verbose) print_outcomes(as_twin);
}
