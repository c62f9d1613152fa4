import { z } from "zod";

/**
 * A whole number of `unit` from 0 to `max`, sent as a number or typed into a form field. Nothing else
 * is read as a number: coercion would make "", " ", null, false and [] into 0 (an enforcement with no
 * grace period), true into 1, and "0x10" or "1e2" into 16 and 100.
 */
export function wholeNumberSchema(unit: "hours" | "days", max: number, maxNote = "") {
  return z
    .union(
      [
        z.number(),
        z
          .string()
          .trim()
          .regex(/^\d{1,9}$/, `Enter a number of ${unit}.`)
          .transform(Number),
      ],
      {
        error: `Enter a number of ${unit}.`,
      },
    )
    .pipe(
      z
        .number()
        .int(`Use whole ${unit}.`)
        .min(0, `Use 0 or more ${unit}.`)
        .max(max, `Use at most ${max} ${unit}${maxNote}.`),
    );
}
