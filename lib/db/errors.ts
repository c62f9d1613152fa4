/** Prisma's "unique constraint failed": the row another request created first. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "P2002";
}

/** Prisma's "foreign key constraint failed": the row it points to was deleted meanwhile. */
export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "P2003";
}
