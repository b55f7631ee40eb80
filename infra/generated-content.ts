// Reads what `npm run build` wrote, through generated/manifest.json (never by globbing), and
// checks every file against the shape Pulumi is about to send to Grafana. A malformed file
// fails here, naming the file and the field, instead of half-way through `pulumi up`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Manifest } from "../build/manifest.ts";

export class GeneratedContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GeneratedContentError";
  }
}

const folderKey = z.enum(["client", "server", "pipeline", "explore", "alerts"]);

const manifestSchema = z.object({
  folders: z.array(z.object({ key: folderKey, uid: z.string().min(1), title: z.string().min(1) })),
  dashboards: z.array(z.object({ uid: z.string().min(1), title: z.string(), folder: folderKey, file: z.string().min(1) }).loose()),
  ruleGroups: z.array(z.object({ title: z.string().min(1), folder: folderKey, file: z.string().min(1) })),
  contactPoints: z.string().min(1),
  notificationPolicy: z.string().min(1),
  muteTimings: z.string().min(1),
  savedQueries: z.object({ library: z.string().min(1), exploreUrls: z.string() }),
});

/** A dashboard as the build wrote it; only what provisioning relies on is checked. */
const dashboardSchema = z.object({ uid: z.string().min(1), title: z.string().min(1) }).loose();

/** Grafana's provisioning-API RuleGroup (GET /api/v1/provisioning/folder/:uid/rule-groups/:group). */
const ruleSchema = z.object({
  uid: z.string().min(1),
  title: z.string().min(1),
  condition: z.string().min(1),
  data: z
    .array(
      z.object({
        refId: z.string().min(1),
        queryType: z.string().optional(),
        relativeTimeRange: z.object({ from: z.number().int().nonnegative(), to: z.number().int().nonnegative() }),
        datasourceUid: z.string().min(1),
        model: z.record(z.string(), z.unknown()),
      }),
    )
    .min(1),
  noDataState: z.enum(["OK", "NoData", "Alerting", "KeepLast"]),
  execErrState: z.enum(["OK", "Error", "Alerting", "KeepLast"]),
  for: z.string().regex(/^\d+[smhd]$/, "a duration such as 5m"),
  keep_firing_for: z.string().optional(),
  labels: z.record(z.string(), z.string()).default({}),
  annotations: z.record(z.string(), z.string()).default({}),
  isPaused: z.boolean().default(false),
  notification_settings: z
    .object({
      receiver: z.string().min(1),
      group_by: z.array(z.string()).optional(),
      group_wait: z.string().optional(),
      group_interval: z.string().optional(),
      repeat_interval: z.string().optional(),
      mute_time_intervals: z.array(z.string()).optional(),
      active_time_intervals: z.array(z.string()).optional(),
    })
    .optional(),
});
const ruleGroupSchema = z.object({
  title: z.string().min(1),
  folderUid: z.string().min(1),
  /** Evaluation interval in seconds, as the provisioning API returns it. */
  interval: z.number().int().positive(),
  rules: z.array(ruleSchema).min(1),
});
export type RuleGroupFile = z.infer<typeof ruleGroupSchema>;
export type RuleFile = z.infer<typeof ruleSchema>;

export const INTEGRATION_TYPES = ["email", "slack", "pagerduty", "webhook"] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

const contactPointsSchema = z.array(
  z.object({
    name: z.string().min(1),
    integrations: z
      .array(
        z.object({
          type: z.enum(INTEGRATION_TYPES),
          disableResolveMessage: z.boolean().optional(),
          settings: z.record(z.string(), z.unknown()).default({}),
          /** Grafana setting key -> name of the secret that supplies it (e.g. url -> SLACK_WEBHOOK_URL). */
          secureSettings: z.record(z.string(), z.string().regex(/^[A-Z][A-Z0-9_]*$/, "an UPPER_SNAKE secret name")).default({}),
        }),
      )
      .min(1),
  }),
);
export type ContactPointFile = z.infer<typeof contactPointsSchema>[number];

/** Alertmanager route in Grafana's API shape; routes nest. */
export interface RouteFile {
  readonly receiver?: string | undefined;
  readonly group_by?: readonly string[] | undefined;
  readonly group_wait?: string | undefined;
  readonly group_interval?: string | undefined;
  readonly repeat_interval?: string | undefined;
  readonly object_matchers?: readonly (readonly [string, string, string])[] | undefined;
  readonly mute_time_intervals?: readonly string[] | undefined;
  readonly active_time_intervals?: readonly string[] | undefined;
  readonly continue?: boolean | undefined;
  readonly routes?: readonly RouteFile[] | undefined;
}
const routeSchema: z.ZodType<RouteFile> = z.lazy(() =>
  z.object({
    receiver: z.string().min(1).optional(),
    group_by: z.array(z.string()).optional(),
    group_wait: z.string().optional(),
    group_interval: z.string().optional(),
    repeat_interval: z.string().optional(),
    object_matchers: z.array(z.tuple([z.string().min(1), z.enum(["=", "!=", "=~", "!~"]), z.string()])).optional(),
    mute_time_intervals: z.array(z.string()).optional(),
    active_time_intervals: z.array(z.string()).optional(),
    continue: z.boolean().optional(),
    routes: z.array(routeSchema).optional(),
  }),
);
const policySchema = z.intersection(routeSchema, z.object({ receiver: z.string().min(1) }));
export type NotificationPolicyFile = RouteFile & { readonly receiver: string };

const muteTimingsSchema = z.array(
  z.object({
    name: z.string().min(1),
    time_intervals: z.array(
      z.object({
        times: z.array(z.object({ start_time: z.string(), end_time: z.string() })).optional(),
        weekdays: z.array(z.string()).optional(),
        days_of_month: z.array(z.string()).optional(),
        months: z.array(z.string()).optional(),
        years: z.array(z.string()).optional(),
        location: z.string().optional(),
      }),
    ),
  }),
);
export type MuteTimingFile = z.infer<typeof muteTimingsSchema>[number];

/**
 * Query library entries (queries/query-library.ts): App Platform `queries.grafana.app/v1` Query
 * objects, provisioned through the provider's typed apps.v1.Query. Strict: a field the typed
 * resource could not carry is an error here, never silently dropped.
 */
export const QUERY_API_VERSION = "queries.grafana.app/v1";
/** The one label the typed resource can stand for: it stamps its own manager identity instead. */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
const queryLibraryItemSchema = z.object({
  apiVersion: z.literal(QUERY_API_VERSION, { error: `must be ${QUERY_API_VERSION} (the API of the provider's apps.v1.Query)` }),
  kind: z.literal("Query", { error: 'must be "Query"' }),
  metadata: z.strictObject({
    name: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "a Kubernetes resource name (kebab-case, at most 63 characters)"),
    labels: z
      .record(z.string(), z.string())
      .refine((labels) => Object.keys(labels).every((k) => k === MANAGED_BY_LABEL), `apps.v1.Query carries no labels; only ${MANAGED_BY_LABEL} is supported (it becomes the manager identity)`)
      .optional(),
  }),
  spec: z.strictObject({
    title: z.string().min(1),
    description: z.string().optional(),
    isVisible: z.boolean().optional(),
    isLocked: z.boolean().optional(),
    tags: z.array(z.string()).optional(),
    vars: z.array(z.strictObject({ key: z.string().min(1), defaultValues: z.array(z.string()).optional(), valueListDefinition: z.unknown().optional() })).optional(),
    targets: z.array(z.strictObject({ properties: z.record(z.string(), z.unknown()), variables: z.unknown().optional(), dataType: z.string().optional() })).min(1),
  }),
});
/** The list the build writes (queries/query-library.json): { apiVersion: "v1", items: [...] }. */
const queryLibrarySchema = z.object({ items: z.array(queryLibraryItemSchema) }).loose();
export type QueryLibraryItem = z.infer<typeof queryLibraryItemSchema>;

export interface GeneratedDashboard {
  readonly uid: string;
  readonly title: string;
  readonly folderUid: string;
  readonly file: string;
  /** The dashboard JSON exactly as the build wrote it. */
  readonly json: Record<string, unknown>;
}

export interface GeneratedContent {
  readonly dir: string;
  readonly folders: Manifest["folders"];
  readonly dashboards: readonly GeneratedDashboard[];
  readonly ruleGroups: readonly { readonly file: string; readonly group: RuleGroupFile }[];
  readonly contactPoints: readonly ContactPointFile[];
  readonly notificationPolicy: NotificationPolicyFile;
  readonly muteTimings: readonly MuteTimingFile[];
  readonly queryLibrary: readonly QueryLibraryItem[];
}

function readJson<T>(dir: string, file: string, schema: z.ZodType<T>): T {
  const full = path.join(dir, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(full, "utf8"));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist (run `npm run build`)" : (err as Error).message;
    throw new GeneratedContentError(`${full}: ${reason}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new GeneratedContentError(`${full}: ${issues}`);
  }
  return parsed.data;
}

function fail(file: string, message: string): never {
  throw new GeneratedContentError(`${file}: ${message}`);
}

/** All provisionable content under `dir`, cross-checked: folders exist, uids match the manifest. */
export function loadGeneratedContent(dir: string): GeneratedContent {
  const manifest = readJson(dir, "manifest.json", manifestSchema);
  const manifestFile = path.join(dir, "manifest.json");
  const folderUid = new Map(manifest.folders.map((f) => [f.key, f.uid]));
  const uidOf = (key: string, where: string): string => folderUid.get(key as never) ?? fail(manifestFile, `${where}: folder "${key}" is not in manifest.folders`);

  const dashboards = manifest.dashboards.map((d) => {
    const json = readJson(dir, d.file, dashboardSchema);
    if (json.uid !== d.uid) fail(path.join(dir, d.file), `uid "${json.uid}" differs from the manifest's "${d.uid}"`);
    return { uid: d.uid, title: json.title, folderUid: uidOf(d.folder, `dashboard ${d.uid}`), file: d.file, json: json as Record<string, unknown> };
  });

  const ruleGroups = manifest.ruleGroups.map((g) => {
    const group = readJson(dir, g.file, ruleGroupSchema);
    const expected = uidOf(g.folder, `rule group ${g.title}`);
    if (group.folderUid !== expected) fail(path.join(dir, g.file), `folderUid "${group.folderUid}" differs from the manifest folder "${expected}"`);
    if (group.title !== g.title) fail(path.join(dir, g.file), `title "${group.title}" differs from the manifest's "${g.title}"`);
    return { file: g.file, group };
  });

  const library = readJson(dir, manifest.savedQueries.library, queryLibrarySchema);
  return {
    dir,
    folders: manifest.folders,
    dashboards,
    ruleGroups,
    contactPoints: readJson(dir, manifest.contactPoints, contactPointsSchema),
    notificationPolicy: readJson(dir, manifest.notificationPolicy, policySchema),
    muteTimings: readJson(dir, manifest.muteTimings, muteTimingsSchema),
    queryLibrary: library.items,
  };
}

/** Every secret name the contact points reference, sorted: config.ts requires each one. */
export function contactPointSecretNames(contactPoints: readonly ContactPointFile[]): string[] {
  const names = new Set(contactPoints.flatMap((cp) => cp.integrations.flatMap((i) => Object.values(i.secureSettings))));
  return [...names].sort();
}
