// Every server a script starts registers how to stop it here; stopAll() runs them newest first, once,
// on a normal end, an error, Ctrl-C or SIGTERM, so no server or database outlives the script.
const stops: (() => Promise<void>)[] = [];
let stopping: Promise<void> | undefined;

export function onStop(stop: () => Promise<void>) {
  stops.push(stop);
}

export function stopAll(): Promise<void> {
  stopping ??= (async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => console.error(e));
  })();
  return stopping;
}

export function stopOnSignals() {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping the servers…`);
      void stopAll().then(() => process.exit(130));
    });
  }
}
