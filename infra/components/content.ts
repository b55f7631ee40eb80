// Everything the build generated, provisioned into one Grafana: folders, dashboards, rule
// groups, contact points, the notification policy tree, mute timings and (where the target
// has a query library) saved queries. The content itself is read from generated/, never typed here.
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import { muteTimingIntervals, notificationPolicyArgs, policyReferences, ruleGroupReferences, ruleGroupRules } from "../alerting-args.ts";
import { contactPointBlocks, sensitiveBlocks } from "../contact-point-args.ts";
import type { GeneratedContent } from "../generated-content.ts";
import { savedQueryArgs } from "../saved-query-args.ts";

export interface ContentArgs {
  readonly content: GeneratedContent;
  /** SECRET_NAME -> secret value, for the contact points' secureSettings. */
  readonly contactPointSecrets: Readonly<Record<string, pulumi.Input<string>>>;
  /** Whether the target Grafana serves the query library (App Platform) API. */
  readonly queryLibrary: boolean;
  /** Rules query these; they must exist before the rule groups. */
  readonly datasources: pulumi.Resource;
}

/** Resource-name suffix from a free-form title: stable, kebab-case. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export class Content extends pulumi.ComponentResource {
  public readonly folderUids: pulumi.Output<string[]>;
  public readonly dashboardUids: pulumi.Output<string[]>;
  public readonly ruleGroupNames: pulumi.Output<string[]>;
  public readonly contactPointNames: pulumi.Output<string[]>;
  /** Number of saved queries provisioned (0 when the target has no query library). */
  public readonly savedQueryCount: number;

  constructor(name: string, args: ContentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("beacon:infra:Content", name, {}, opts);
    const { content } = args;
    const child = { parent: this };

    const folders = new Map(
      content.folders.map((f) => [f.uid, new grafana.oss.Folder(`${name}-folder-${f.key}`, { uid: f.uid, title: f.title }, child)] as const),
    );
    const folderOf = (uid: string, what: string): grafana.oss.Folder => {
      const folder = folders.get(uid);
      if (!folder) throw new Error(`${what}: folder ${uid} is not in the manifest`);
      return folder;
    };

    const dashboards = content.dashboards.map(
      (d) =>
        new grafana.oss.Dashboard(
          `${name}-dashboard-${d.uid}`,
          // The build's JSON, byte for byte in meaning; `overwrite` takes over UI-edited copies.
          { configJson: JSON.stringify(d.json), folder: folderOf(d.folderUid, `dashboard ${d.uid}`).uid, overwrite: true, message: "Provisioned by beacon (pulumi up)" },
          child,
        ),
    );

    const muteTimings = new Map(
      content.muteTimings.map((m) => [m.name, new grafana.alerting.MuteTiming(`${name}-mute-timing-${slug(m.name)}`, { name: m.name, intervals: muteTimingIntervals(m) }, child)] as const),
    );

    const contactPoints = new Map(
      content.contactPoints.map((cp) => {
        const blocks = contactPointBlocks(cp, args.contactPointSecrets);
        const resource = new grafana.alerting.ContactPoint(
          `${name}-contact-point-${slug(cp.name)}`,
          { name: cp.name, ...blocks },
          // Credential-bearing blocks stay encrypted in state even where the provider echoes them back.
          { ...child, additionalSecretOutputs: sensitiveBlocks(blocks) },
        );
        return [cp.name, resource] as const;
      }),
    );

    /** The contact points and mute timings named in `refs`; each must exist (Grafana refers to them by name only). */
    const referenced = (refs: { receivers: Set<string>; muteTimings: Set<string> }, what: string): pulumi.Resource[] => {
      const unknown = [...refs.receivers].filter((r) => !contactPoints.has(r));
      if (unknown.length > 0) throw new Error(`${what}: receivers ${unknown.join(", ")} are not contact points in ${content.dir}`);
      const unknownTimings = [...refs.muteTimings].filter((m) => !muteTimings.has(m));
      if (unknownTimings.length > 0) throw new Error(`${what}: mute timings ${unknownTimings.join(", ")} are not defined in ${content.dir}`);
      return [...[...refs.receivers].map((r) => contactPoints.get(r)), ...[...refs.muteTimings].map((m) => muteTimings.get(m))].filter(
        (r): r is grafana.alerting.ContactPoint | grafana.alerting.MuteTiming => r !== undefined,
      );
    };

    const ruleGroups = content.ruleGroups.map(
      ({ group }) =>
        new grafana.alerting.RuleGroup(
          `${name}-rule-group-${slug(group.title)}`,
          { name: group.title, folderUid: folderOf(group.folderUid, `rule group ${group.title}`).uid, intervalSeconds: group.interval, rules: ruleGroupRules(group) },
          // Rules query the datasources and may route to contact points and mute timings by name:
          // nothing ties them together in the inputs, so the order is stated here.
          { ...child, dependsOn: [args.datasources, ...referenced(ruleGroupReferences(group), `rule group ${group.title}`)] },
        ),
    );

    // The tree names every contact point and mute timing it routes to by name only.
    new grafana.alerting.NotificationPolicy(`${name}-notification-policy`, notificationPolicyArgs(content.notificationPolicy), {
      ...child,
      dependsOn: referenced(policyReferences(content.notificationPolicy), "notification policy"),
    });

    if (args.queryLibrary) {
      for (const item of content.queryLibrary) {
        new grafana.apps.v1.Query(`${name}-saved-query-${item.metadata.name}`, savedQueryArgs(item), child);
      }
      this.savedQueryCount = content.queryLibrary.length;
    } else {
      // The query library (App Platform, queries.grafana.app/v1) needs Grafana Cloud or
      // Grafana ≥ 12.4 with the queryLibrary feature, so it is opt-in (beacon:queryLibrary).
      if (content.queryLibrary.length > 0) {
        void pulumi.log.info(
          `skipping ${content.queryLibrary.length} saved queries: beacon:queryLibrary is false (the target's query library is off); they remain on the Explore shortcuts dashboard`,
          this,
        );
      }
      this.savedQueryCount = 0;
    }

    this.folderUids = pulumi.all([...folders.values()].map((f) => f.uid));
    this.dashboardUids = pulumi.all(dashboards.map((d) => d.uid));
    this.ruleGroupNames = pulumi.all(ruleGroups.map((g) => g.name));
    this.contactPointNames = pulumi.all([...contactPoints.values()].map((c) => c.name));
    this.registerOutputs({
      folderUids: this.folderUids,
      dashboardUids: this.dashboardUids,
      ruleGroupNames: this.ruleGroupNames,
      contactPointNames: this.contactPointNames,
      savedQueryCount: this.savedQueryCount,
    });
  }
}
