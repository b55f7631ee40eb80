import type { EnumLabel } from "./types.ts";

/** A label whose values are a fixed list (the catalog's most common kind of bound). */
export const enumLabel = (name: string, values: readonly string[], description: string): EnumLabel => ({
  name,
  kind: "enum",
  values,
  description,
});
