// Journal entry ids: unique across processes (random per process) and ordered within one.
import { randomBytes } from "node:crypto";

export function createEntryIds(): () => string {
  const token = randomBytes(6).toString("hex");
  let seq = 0;
  return () => `${token}-${(seq++).toString(36)}`;
}
