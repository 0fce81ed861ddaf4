// Makes three syscalls, then awaits a real timer of its own (its event loop is free, so
// the control plane can answer), then returns.
export default async function main(sys, [ms]) {
  sys.getpid();
  sys.getpid();
  sys.clock_gettime();
  await new Promise((r) => setTimeout(r, ms));
  return 0;
}
