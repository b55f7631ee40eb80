// Prometheus, Loki, Tempo (and, self-hosted, Alertmanager) as Grafana datasources, under the
// fixed uids every dashboard, rule and saved query names. Names, uids and the correlation
// jsonData come from build/datasources.ts, the same declarations the docker-compose
// provisioning YAML is built from; only the URLs (and Grafana Cloud's basic auth) differ.
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import { COMPOSE_URLS, datasourceSpecs, type DatasourceSpec } from "../../build/datasources.ts";
import { DATASOURCES, type DatasourceKey } from "../../build/content-types.ts";

export interface DatasourceEndpoint {
  /** URL as Grafana's backend reaches it. */
  readonly url: pulumi.Input<string>;
  /** Grafana Cloud backends want basic auth: instance user id and a read token. */
  readonly basicAuth?: { readonly user: pulumi.Input<string>; readonly password: pulumi.Input<string> } | undefined;
}

export interface DatasourceEndpoints {
  readonly prometheus: DatasourceEndpoint;
  readonly loki: DatasourceEndpoint;
  readonly tempo: DatasourceEndpoint;
  /** Only where an Alertmanager of our own runs (self-hosted); Grafana Cloud alerts through the stack's. */
  readonly alertmanager?: DatasourceEndpoint | undefined;
}

export interface DatasourcesArgs {
  readonly endpoints: DatasourceEndpoints;
}

/** The declared spec of one datasource; its URL is replaced by the target's. */
function specOf(key: DatasourceKey): DatasourceSpec {
  const spec = datasourceSpecs(COMPOSE_URLS).find((s) => s.uid === DATASOURCES[key].uid);
  if (!spec) throw new Error(`build/datasources.ts declares no datasource with uid ${DATASOURCES[key].uid}`);
  return spec;
}

export class Datasources extends pulumi.ComponentResource {
  public readonly uids: pulumi.Output<string[]>;

  constructor(name: string, args: DatasourcesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("beacon:infra:Datasources", name, {}, opts);
    const created = (Object.keys(DATASOURCES) as DatasourceKey[]).flatMap((key) => {
      const endpoint = args.endpoints[key];
      if (endpoint === undefined) return [];
      const spec = specOf(key);
      const auth = endpoint.basicAuth;
      const datasource = new grafana.oss.DataSource(
        `${name}-${key}`,
        {
          uid: spec.uid,
          name: spec.name,
          type: spec.type,
          url: endpoint.url,
          accessMode: "proxy",
          isDefault: spec.isDefault,
          basicAuthEnabled: auth !== undefined,
          basicAuthUsername: auth?.user,
          jsonDataEncoded: JSON.stringify(spec.jsonData),
          // Only ever a secret: the read token. Unset (not "{}") when there is none, so no diff.
          secureJsonDataEncoded: auth ? pulumi.secret(pulumi.jsonStringify({ basicAuthPassword: auth.password })) : undefined,
        },
        { parent: this },
      );
      return [datasource];
    });
    this.uids = pulumi.all(created.map((d) => d.uid));
    this.registerOutputs({ uids: this.uids });
  }
}
