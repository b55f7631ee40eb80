// An existing Grafana (the docker-compose one, or any other) reached by URL and secret
// credentials. Nothing is created here but the provider; datasources and content follow.
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { DatasourceEndpoints } from "./datasources.ts";

export interface SelfHostedGrafanaArgs {
  readonly url: string;
  /** "user:password" or a service account token. */
  readonly auth: pulumi.Input<string>;
  readonly prometheusUrl: string;
  readonly lokiUrl: string;
  readonly tempoUrl: string;
  readonly alertmanagerUrl: string;
  /** Where the apps export OTLP/HTTP; the local collector takes it without auth. */
  readonly otlpEndpoint: string;
}

export class SelfHostedGrafana extends pulumi.ComponentResource {
  public readonly grafanaProvider: grafana.Provider;
  public readonly grafanaUrl: pulumi.Output<string>;
  public readonly otlpEndpoint: pulumi.Output<string>;
  public readonly datasourceEndpoints: DatasourceEndpoints;

  constructor(name: string, args: SelfHostedGrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("beacon:infra:SelfHostedGrafana", name, {}, opts);
    this.grafanaProvider = new grafana.Provider(`${name}-grafana-provider`, { url: args.url, auth: pulumi.secret(args.auth) }, { parent: this });
    this.grafanaUrl = pulumi.output(args.url);
    this.otlpEndpoint = pulumi.output(args.otlpEndpoint);
    this.datasourceEndpoints = {
      prometheus: { url: args.prometheusUrl },
      loki: { url: args.lokiUrl },
      tempo: { url: args.tempoUrl },
      alertmanager: { url: args.alertmanagerUrl },
    };
    this.registerOutputs({ grafanaUrl: this.grafanaUrl, otlpEndpoint: this.otlpEndpoint });
  }
}
