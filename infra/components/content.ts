// Everything the build generated, provisioned into one Grafana: folders, dashboards, rule
// groups, contact points, the notification policy tree, mute timings and (where the target
// has a query library) saved queries. The content itself is read from generated/, never typed here.
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import { muteTimingIntervals, notificationPolicyArgs, policyReferences, ruleGroupRules } from "../alerting-args.ts";
import { contactPointBlocks, sensitiveBlocks } from "../contact-point-args.ts";
import type { GeneratedContent } from "../generated-content.ts";

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

    const ruleGroups = content.ruleGroups.map(
      ({ group }) =>
        new grafana.alerting.RuleGroup(
          `${name}-rule-group-${slug(group.title)}`,
          { name: group.title, folderUid: folderOf(group.folderUid, `rule group ${group.title}`).uid, intervalSeconds: group.interval, rules: ruleGroupRules(group) },
          { ...child, dependsOn: [args.datasources] },
        ),
    );

    const muteTimings = content.muteTimings.map(
      (m) => new grafana.alerting.MuteTiming(`${name}-mute-timing-${slug(m.name)}`, { name: m.name, intervals: muteTimingIntervals(m) }, child),
    );

    const contactPoints = content.contactPoints.map((cp) => {
      const blocks = contactPointBlocks(cp, args.contactPointSecrets);
      return new grafana.alerting.ContactPoint(
        `${name}-contact-point-${slug(cp.name)}`,
        { name: cp.name, ...blocks },
        // Credential-bearing blocks stay encrypted in state even where the provider echoes them back.
        { ...child, additionalSecretOutputs: sensitiveBlocks(blocks) },
      );
    });

    const refs = policyReferences(content.notificationPolicy);
    const known = new Set(content.contactPoints.map((cp) => cp.name));
    const unknown = [...refs.receivers].filter((r) => !known.has(r));
    if (unknown.length > 0) throw new Error(`notification policy: receivers ${unknown.join(", ")} are not contact points in ${content.dir}`);
    const timings = new Set(content.muteTimings.map((m) => m.name));
    const unknownTimings = [...refs.muteTimings].filter((m) => !timings.has(m));
    if (unknownTimings.length > 0) throw new Error(`notification policy: mute timings ${unknownTimings.join(", ")} are not defined in ${content.dir}`);
    new grafana.alerting.NotificationPolicy(`${name}-notification-policy`, notificationPolicyArgs(content.notificationPolicy), {
      ...child,
      dependsOn: [...contactPoints, ...muteTimings],
    });

    if (args.queryLibrary) {
      for (const item of content.queryLibrary) {
        new grafana.apps.GenericResource(`${name}-saved-query-${item.metadata.name}`, { manifest: item }, child);
      }
      this.savedQueryCount = content.queryLibrary.length;
    } else {
      // @pulumiverse/grafana has no typed query library resource; the App Platform one needs
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
    this.contactPointNames = pulumi.all(contactPoints.map((c) => c.name));
    this.registerOutputs({
      folderUids: this.folderUids,
      dashboardUids: this.dashboardUids,
      ruleGroupNames: this.ruleGroupNames,
      contactPointNames: this.contactPointNames,
      savedQueryCount: this.savedQueryCount,
    });
  }
}
