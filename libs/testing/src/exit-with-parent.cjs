// Preloaded into service processes started by tests: when the test process goes away (even
// killed outright), we are re-parented, and the service shuts down gracefully instead of
// living on as an orphan. (Watching stdin instead stalls Node 20 while the tsx loader loads.)
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 500).unref();
