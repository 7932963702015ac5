// What Ctrl-C does while an ingest writes: the first asks it to stop after the batch in flight
// (what is committed stays, and the same command resumes after it), a second quits at once.
// Signals reach only the main thread, wherever the ingest itself runs (cli/ingest-thread.ts).

/** Listens from now on; returns what stops listening (a later Ctrl-C then ends the process). */
export function onCtrlC(stop: () => void): () => void {
  let stopping = false;
  const handler = () => {
    if (stopping) process.exit(130);
    stopping = true;
    stop();
    process.stderr.write('\ninterrupted: finishing the batch in flight (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', handler);
  return () => { process.off('SIGINT', handler); };
}
