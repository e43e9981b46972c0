// Validates SARIF logs against the SARIF 2.1.0 JSON Schema as the npm
// package @microsoft/jest-sarif ships it (sarif-2.1.0-rtm.5.json, draft-04;
// MIT licence, see that package), with ajv, which mfactl does not use.
//
//   node check-sarif.mjs FILE.sarif...
//
// Exit status 1 when any file is invalid, with ajv's errors.

import fs from "node:fs";
import { createRequire } from "node:module";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node check-sarif.mjs FILE.sarif...");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

// unicodeRegExp: false because one pattern of this schema (the "language"
// of a run) has a stray "]" that JavaScript refuses in unicode mode; the
// JSON Schema drafts of its time did not ask for unicode patterns.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

let bad = 0;
for (const file of files) {
  const log = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!validate(log)) {
    bad++;
    console.error(`${file}: not valid SARIF 2.1.0:`);
    for (const e of validate.errors) console.error(`  ${e.instancePath || "/"} ${e.message}`);
  }
  // What GitHub code scanning's upload needs beyond the schema.
  for (const [i, r] of (log.runs?.[0]?.results ?? []).entries()) {
    if (!r.ruleId || !r.message?.text) {
      bad++;
      console.error(`${file}: result ${i} has no ruleId or message text`);
    }
  }
}
console.log(`check-sarif: ${files.length - bad} passed, ${bad} failed`);
process.exit(bad > 0 ? 1 : 0);
