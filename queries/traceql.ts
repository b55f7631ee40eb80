// TraceQL for the catalog's span families: `{ resource.service.name = "…" && name =~ "…" }`.
import { SERVICE_OF, type SpanFamilyDecl } from "../catalog/index.ts";

export function familyServices(family: SpanFamilyDecl): string[] {
  return [...new Set(family.emittedBy.map((e) => SERVICE_OF[e]))];
}

/** Spans of one family, optionally with extra conditions such as `status = error`. */
export function spansOf(family: SpanFamilyDecl, extra: readonly string[] = []): string {
  const services = familyServices(family);
  const service =
    services.length === 1 ? `resource.service.name = "${services[0]}"` : `resource.service.name =~ "${services.join("|")}"`;
  const name = family.names.length === 1 ? `name = "${family.names[0]}"` : `name =~ "${family.namePattern}"`;
  return `{ ${[service, name, ...extra].join(" && ")} }`;
}
