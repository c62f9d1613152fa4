// Nothing to start. Without this file the build picks up Twofold's own instrumentation.ts from the
// repository root (the Turbopack root), which would refuse to start without Twofold's settings.
export function register() {}
