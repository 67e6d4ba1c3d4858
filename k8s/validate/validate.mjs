// Validates Kubernetes objects against the Kubernetes API's OpenAPI schemas (kubernetes-models,
// generated from Kubernetes' swagger) and KEDA's CRD schemas (@kubernetes-models/keda, generated
// from KEDA's CRDs). Input on stdin: a JSON array of {"source": "...", "object": {...}}. Output on
// stdout: one line per object, "OK <source> <apiVersion>/<kind>" or "INVALID <source> ...: <errors>"
// or "UNKNOWN <source> <apiVersion>/<kind>" (no schema here). Exit code 1 if any line is not OK.
// Limits: the schemas check types, required fields, enums and formats; like the API server
// without --validate=strict they do not reject unknown fields (KubernetesManifestsTest checks
// those it knows of in Java).
import { readFileSync } from "node:fs";

const input = JSON.parse(readFileSync(0, "utf8"));
let failed = false;
for (const { source, object } of input) {
  const apiVersion = object?.apiVersion ?? "";
  const kind = object?.kind ?? "";
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  let module;
  try {
    if (group === "keda.sh") {
      module = await import(`@kubernetes-models/keda/keda.sh/${version}/${kind}`);
    } else {
      const path = group === "" ? `${version}/${kind}` : `${group}/${version}/${kind}`;
      module = await import(`kubernetes-models/${path}`);
    }
  } catch (e) {
    console.log(`UNKNOWN ${source} ${apiVersion}/${kind}`);
    failed = true;
    continue;
  }
  const Model = module[kind] ?? module.default;
  try {
    new Model(object).validate();
    console.log(`OK ${source} ${apiVersion}/${kind}`);
  } catch (e) {
    const details = (e.errors ?? []).map((x) => `${x.instancePath} ${x.message}`).join("; ");
    console.log(`INVALID ${source} ${apiVersion}/${kind}: ${details || e.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
