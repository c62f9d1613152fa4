// Prisma's schema engine as WebAssembly, instantiated by hand so it loads the same way in Next.js,
// vitest and plain Node (no --experimental-wasm-modules, no bundler support for .wasm needed).
import { readFile } from "node:fs/promises";
import path from "node:path";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";

type Glue = typeof glue & { __wbg_set_wasm(exports: unknown): void };
export type SchemaEngine = glue.SchemaEngine;

// Cached on globalThis: the glue module is one per process, while bundlers and test runners may load
// this file several times, and a second instantiation would swap the memory under a running engine.
const cache = globalThis as { __twofoldSchemaEngine?: Promise<Glue>; PRISMA_WASM_PANIC_REGISTRY?: unknown };

function loadGlue(): Promise<Glue> {
  // The engine reports a Rust panic's message here before it throws.
  cache.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message: (message: string) => console.error(`[schema engine] ${message}`),
  };
  cache.__twofoldSchemaEngine ??= (async () => {
    const wasmPath = path.join(process.cwd(), "node_modules/@prisma/schema-engine-wasm/schema_engine_bg.wasm");
    const bytes = await readFile(wasmPath);
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue });
    const g = glue as unknown as Glue;
    g.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return g;
  })();
  return cache.__twofoldSchemaEngine;
}

/**
 * Runs `work` with a schema engine on the given database, then closes the connections the engine
 * opened (a PostgreSQL pool left open would keep the template database busy and the process alive).
 */
export async function withSchemaEngine<T>(
  schema: string,
  factory: SqlMigrationAwareDriverAdapterFactory,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const g = await loadGlue();
  const opened: { dispose(): Promise<void> }[] = [];
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => track(await factory.connect()),
    connectToShadowDb: async () => track(await factory.connectToShadowDb()),
  };
  function track<A extends SqlDriverAdapter>(adapter: A): A {
    opened.push(adapter);
    return wholeScripts(adapter);
  }
  const engine = await g.SchemaEngine.new(
    { datamodels: [["schema.prisma", schema]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(tracked) as never,
  );
  try {
    return await work(engine);
  } finally {
    engine.free();
    await Promise.all(opened.map((adapter) => adapter.dispose()));
  }
}

type Driver = { query?(script: string): Promise<unknown>; exec?(script: string): Promise<unknown> };

/**
 * Runs a migration script as one simple query, as `prisma migrate deploy` does: PostgreSQL runs its
 * statements in one transaction, and a function body keeps its semicolons. The adapters do neither:
 * @prisma/adapter-pg splits the script on every ";" (a PL/pgSQL body too) and runs the pieces one by
 * one, and pglite-prisma-adapter does not wait for it, so a failing script was recorded as applied.
 */
function wholeScripts<A extends SqlDriverAdapter>(adapter: A): A {
  // Both keep their driver as `client`: PGlite itself, or the `pg` pool.
  const driver = (adapter as { client?: Driver }).client;
  const run = driver && (driver.exec ?? driver.query);
  if (!run) throw new Error(`Cannot run migration scripts whole on ${adapter.adapterName}.`);
  const { onError } = adapter as { onError?: (error: unknown) => never };
  adapter.executeScript = async (script) => {
    try {
      await run.call(driver, script);
    } catch (error) {
      // The adapter's own conversion, so the engine reports PostgreSQL's message and code.
      if (onError) onError.call(adapter, error);
      throw error;
    }
  };
  return adapter;
}
