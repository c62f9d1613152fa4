// Every port the browser tests use, from one base (E2E_PORT_BASE, default 3210), so two checkouts
// can run their suites side by side without taking each other's servers.
const base = Number(process.env.E2E_PORT_BASE ?? 3210);

export const ports = {
  app: base,
  postgresApp: base + 1,
  dev: base + 2,
  smtp: base + 3,
  mailHttp: base + 4,
  postgres: base + 5,
};

export const APP = `http://localhost:${ports.app}`;
export const POSTGRES_APP = `http://localhost:${ports.postgresApp}`;
export const DEV_APP = `http://localhost:${ports.dev}`;
export const MAIL_HTTP = `http://127.0.0.1:${ports.mailHttp}`;
export const SMTP_URL = `smtp://127.0.0.1:${ports.smtp}`;
export const POSTGRES_URL = `postgres://postgres:postgres@127.0.0.1:${ports.postgres}/twofold`;

/** The two production servers a journey can be run against: the embedded database and PostgreSQL. */
export const SERVERS = [
  { name: "on the embedded database", baseURL: APP },
  { name: "on PostgreSQL", baseURL: POSTGRES_APP },
] as const;
