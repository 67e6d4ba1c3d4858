// Validates Kubernetes objects against the Kubernetes API's OpenAPI schemas (kubernetes-models,
// generated from Kubernetes' swagger) and KEDA's CRD schemas (@kubernetes-models/keda, generated
// from KEDA's CRDs). Input on stdin: a JSON array of {"source": "...", "object": {...}}. Output on
// stdout: one line per object, "OK <source> <apiVersion>/<kind>", "INVALID <source> ...: <errors>"
// or "UNKNOWN <source> <apiVersion>/<kind>" (no schema for it). Exit code 1 unless every line is OK.
//
// Unknown fields: the schemas do not forbid them (like the API server without
// --validate=strict), so the object is validated through proxies that record which properties
// the compiled validator reads; a property it never reads is one no schema declares, reported as
// "unknown field <path>" (a field under an object the schema leaves free-form is not checked).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

/** The compiled schema validator of a model module (its `_schemas/<Name>.js` import). */
async function schemaValidator(packageName, modelPath) {
  const packageDir = dirname(require.resolve(`${packageName}/package.json`));
  const modelFile = join(packageDir, `${modelPath}.js`);
  const source = readFileSync(modelFile, "utf8");
  const m = source.match(/from\s*"(\.[^"]*_schemas\/[A-Za-z0-9]+\.js)"/);
  if (!m) throw new Error(`no schema import in ${modelFile}`);
  const schema = await import(pathToFileURL(join(dirname(modelFile), m[1])).href);
  return schema.validate;
}

/** A deep proxy of `value` recording, per object, the property names read. */
function recorder(value, path, seen) {
  if (value === null || typeof value !== "object") return value;
  const read = new Set();
  seen.push({ path, target: value, read });
  const children = new Map();
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === "string") read.add(key);
      const v = Reflect.get(target, key, receiver);
      if (typeof key !== "string" || v === null || typeof v !== "object") return v;
      if (!children.has(key)) children.set(key, recorder(v, `${path}/${key}`, seen));
      return children.get(key);
    },
    has(target, key) {
      if (typeof key === "string") read.add(key);
      return Reflect.has(target, key);
    },
  });
}

/** An ajv error as text (the compiled validators carry no messages). */
function message({ instancePath, keyword, params }) {
  switch (keyword) {
    case "type":
      return `${instancePath} must be ${params.type}`;
    case "required":
      return `${instancePath} must have required property ${params.missingProperty}`;
    case "enum":
      return `${instancePath} must be one of ${JSON.stringify(params.allowedValues)}`;
    default:
      return `${instancePath} ${keyword} ${JSON.stringify(params)}`;
  }
}

const input = JSON.parse(readFileSync(0, "utf8"));
let failed = false;
for (const { source, object } of input) {
  const apiVersion = object?.apiVersion ?? "";
  const kind = object?.kind ?? "";
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  let validate;
  try {
    validate =
      group === "keda.sh"
        ? await schemaValidator("@kubernetes-models/keda", `keda.sh/${version}/${kind}`)
        : await schemaValidator("kubernetes-models", group === "" ? `${version}/${kind}` : `${group}/${version}/${kind}`);
  } catch (e) {
    console.log(`UNKNOWN ${source} ${apiVersion}/${kind}`);
    failed = true;
    continue;
  }
  const seen = [];
  const valid = validate(recorder(object, "", seen));
  const problems = valid ? [] : (validate.errors ?? []).map(message);
  if (valid) {
    for (const { path, target, read } of seen) {
      if (Array.isArray(target)) continue;
      for (const key of Object.keys(target)) {
        if (!read.has(key)) problems.push(`unknown field ${path}/${key}`);
      }
    }
  }
  if (problems.length === 0) {
    console.log(`OK ${source} ${apiVersion}/${kind}`);
  } else {
    console.log(`INVALID ${source} ${apiVersion}/${kind}: ${problems.join("; ")}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
