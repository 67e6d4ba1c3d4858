// Writes a dashboard JSON file as a TypeScript module whose object literal is typed as Grafana's
// Dashboard (from @grafana/schema), so that tsc checks every field: wrong types, unknown enum
// values and (object-literal excess property checks) misspelled keys. JSON holds an enum's value
// ("absolute"), not the enum member (ThresholdsMode.Absolute): AsJson<T> turns every string enum
// into the union of its values, recursively, and leaves the rest of the type as it is.
// Usage: node to-ts.mjs <dashboard.json> <out.ts>
import { readFileSync, writeFileSync } from 'node:fs';

const [, , input, output] = process.argv;
const dashboard = JSON.parse(readFileSync(input, 'utf8'));
writeFileSync(
  output,
  `// generated from ${input}\n` +
    `import type { Dashboard } from '@grafana/schema';\n\n` +
    `type AsJson<T> = T extends string\n` +
    `  ? \`\${T}\`\n` +
    `  : T extends readonly (infer U)[]\n` +
    `    ? AsJson<U>[]\n` +
    `    : T extends object\n` +
    `      ? { [K in keyof T]: AsJson<T[K]> }\n` +
    `      : T;\n\n` +
    `export const dashboard: AsJson<Dashboard> = ${JSON.stringify(dashboard, null, 2)};\n`,
);
