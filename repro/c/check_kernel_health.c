// ---- check (kernel.health): a CQE carries a kernel-internal errno, which
// include/linux/errno.h says "should never be seen by user programs"; or an op did not
// come back even after its deadline's interrupt or cancel ----
static const char *internal_errno_name(int e) {
  switch (e) {
  case 512: return "ERESTARTSYS";
  case 513: return "ERESTARTNOINTR";
  case 514: return "ERESTARTNOHAND";
  case 515: return "ENOIOCTLCMD";
  case 516: return "ERESTART_RESTARTBLOCK";
  default: return "a kernel-internal errno";
  }
}

static int try_once(char *why, size_t len) {
  fresh_run(0);
  for (int l = 0; l < NLISTS; ++l)
    for (int i = 0; i < lists[l].n; ++i) {
      const struct outcome *o = &shared->out[lists[l].first + i];
      if (!o->ran && !is_harness_action(lists[l].ops[i].kind)) {
        snprintf(why, len, "%s did not return within its deadline, nor after its %s", where(l, i),
                 lists[l].ops[i].via == SYSCALL ? "interrupt" : "cancel");
        return 1;
      }
      if (lists[l].ops[i].via == SYSCALL || !o->ran || o->res > -512 || o->res < -530) continue;
      snprintf(why, len, "%s: its CQE res is %d (-%s)%s", where(l, i), o->res, internal_errno_name(-o->res),
               o->hung ? ", after the cancel at its deadline" : "");
      return 1;
    }
  snprintf(why, len, "no CQE carried a kernel-internal errno (512..530)%s",
           shared->abandoned ? "; an op never came back" : "");
  return 0;
}
