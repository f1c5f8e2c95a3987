// ---- check (issue.equivalent): an op issued through io_uring ends differently from
// the same op as a plain system call on the same state (a second run on a fresh
// target, every op a syscall). "hung": it waited past its deadline. ----
static const char *outcome_text(const struct outcome *o) { return o->hung ? "waits (past its deadline)" : errname(o->res); }

static int same_outcome(const struct outcome *a, const struct outcome *b) {
  if (a->hung || b->hung) return a->hung == b->hung;
  return (a->res >= 0) == (b->res >= 0) && (a->res >= 0 || a->res == b->res);
}

static int try_once(char *why, size_t len) {
  static struct outcome issued_out[TOTAL_OPS + 1];
  fresh_run(0);
  memcpy(issued_out, shared->out, sizeof issued_out);
  fresh_run(1);
  for (int l = 0; l < TWIN_LISTS; ++l) {
    unsigned chain_written = 0;  // registers set by earlier ops of the current chain
    for (int i = 0; i < lists[l].n; ++i) {
      const struct op *op = &lists[l].ops[i];
      const struct outcome *a = &issued_out[lists[l].first + i], *b = &shared->out[lists[l].first + i];
      if (op->fixed) break;  // a direct descriptor has no syscall twin
      if (!(i > 0 && lists[l].ops[i - 1].link && op->via != SYSCALL)) chain_written = 0;
      // A chain is submitted at once: its ops read the registers as they were before it.
      if ((op->dirfd >= 0 && (chain_written >> op->dirfd & 1)) || (op->kind == CLOSE && (chain_written >> op->fd & 1)))
        break;
      if (op->kind == OPEN && op->fd >= 0) chain_written |= 1u << op->fd;
      if (!a->ran && !a->hung) break;
      if (a->res == -ECANCELED && op->via != SYSCALL) break;
      if (is_harness_action(op->kind) || op->via == SYSCALL) continue;
      // RESOLVE_CACHED, and RESOLVE_IN_ROOT / RESOLVE_BENEATH past a "..", may answer
      // EAGAIN by contract (openat2(2)).
      if (op->kind == OPEN && (op->resolve & (RESOLVE_CACHED | RESOLVE_IN_ROOT | RESOLVE_BENEATH)) &&
          (a->res == -EAGAIN || b->res == -EAGAIN))
        break;
      if (same_outcome(a, b)) continue;
      snprintf(why, len, "%s: %s as issued, %s as a plain system call", where(l, i), outcome_text(a), outcome_text(b));
      return 1;
    }
  }
  snprintf(why, len, "every io_uring op ended as its plain system call did");
  return 0;
}
