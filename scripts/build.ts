// npm run build [-- --check]: generate all Grafana and Prometheus content into generated/.
// With --check, write nothing and fail (naming the files) when generated/ is stale.
import { performance } from "node:perf_hooks";
import { GENERATED_DIR } from "../build/manifest.ts";
import { generate } from "../build/generate.ts";
import { drift, writeGenerated } from "../build/write.ts";

const check = process.argv.includes("--check");
const t0 = performance.now();
const { files, manifest } = generate();
const ms = (performance.now() - t0).toFixed(0);

if (check) {
  const d = drift(GENERATED_DIR, files);
  const problems = [
    ...d.stale.map((p) => `stale:   ${GENERATED_DIR}/${p}`),
    ...d.missing.map((p) => `missing: ${GENERATED_DIR}/${p}`),
    ...d.extra.map((p) => `extra:   ${GENERATED_DIR}/${p} (no generator makes it)`),
  ];
  if (problems.length > 0) {
    console.error(`generated/ is out of date with the sources (${problems.length} files); run \`npm run build\` and commit:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`generated/ is up to date: ${files.size} files (generated in ${ms} ms)`);
} else {
  const d = writeGenerated(GENERATED_DIR, files);
  const panels = manifest.dashboards.reduce((n, db) => n + db.panels.length, 0);
  console.log(
    `wrote ${GENERATED_DIR}/: ${files.size} files (${d.stale.length} changed, ${d.missing.length} new, ${d.extra.length} removed) in ${ms} ms — ` +
      `${manifest.dashboards.length} dashboards, ${panels} panels, ${manifest.ruleGroups.length} rule groups`,
  );
}
