// Cross-checks mfactl's JSON Schema with ajv, a validator mfactl does not
// use, on the project's example and invalid corpora.
//
//   node check.mjs SCHEMA.json EXAMPLES_DIR INVALID_DIR
//
// Expectations come from the corpus's naming convention (enforced by
// TestFixtureLayers in package schema):
//   examples          accepted: every document is valid
//   invalid/schema-*  rejected: the fault is one the schema alone decides
//   invalid/rule-*,
//   invalid/multi-*   accepted: the fault is a cross-field or cross-file rule
//                     beyond JSON Schema, so a stricter schema would disagree
//   invalid/yaml-*,
//   invalid/load-*    accepted if they convert at all: their fault is in the
//                     YAML or the input itself, not the data
// Inputs that cannot be converted from YAML to JSON (syntax errors,
// duplicate keys, alias bombs, unknown tags, encodings, infinities) are
// skipped, each with the reason. Exit status 1 on any disagreement.

import fs from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { isScalar, parseAllDocuments } from "yaml";

const [schemaPath, examplesDir, invalidDir] = process.argv.slice(2);
if (!invalidDir) {
  console.error("usage: node check.mjs SCHEMA.json EXAMPLES_DIR INVALID_DIR");
  process.exit(2);
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));

class Unconvertible extends Error {}

// toDocuments converts a YAML file into its non-empty documents as plain
// JSON values, the way mfactl reads them: UTF-8 only (a UTF-8 BOM is
// dropped), YAML 1.2 core schema, unique keys, empty documents skipped.
function toDocuments(file) {
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(fs.readFileSync(file));
  } catch {
    throw new Unconvertible("not valid UTF-8");
  }
  const docs = [];
  for (const doc of parseAllDocuments(text, { uniqueKeys: true, merge: true })) {
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) throw new Unconvertible(problem.message.split("\n")[0].replace(/:$/, ""));
    if (isEmpty(doc.contents)) continue;
    let value;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      throw new Unconvertible(e.message.split("\n")[0]);
    }
    if (!isJSON(value)) throw new Unconvertible("a value has no JSON form (infinity, NaN, binary or a cycle)");
    docs.push(value);
  }
  if (docs.length === 0) throw new Unconvertible("no YAML document");
  return docs;
}

// isEmpty matches mfactl's empty document: no content, or a null with no
// text of its own (not an explicit ~ or null).
function isEmpty(contents) {
  return contents === null || (isScalar(contents) && contents.value === null && !contents.source && !contents.tag);
}

function isJSON(v, seen = new Set()) {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (typeof v !== "object" || seen.has(v)) return false;
  if (!Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype) return false;
  seen.add(v);
  const ok = Object.values(v).every((x) => isJSON(x, seen));
  seen.delete(v);
  return ok;
}

// judge returns ajv's verdict on an input (a file or a directory of files).
function judge(input) {
  const files = fs.statSync(input).isDirectory()
    ? fs.readdirSync(input).filter((f) => /\.ya?ml$/i.test(f)).sort().map((f) => path.join(input, f))
    : [input];
  if (files.length === 0) throw new Unconvertible("no YAML files");
  const errors = [];
  for (const file of files) {
    for (const doc of toDocuments(file)) {
      if (!validate(doc)) {
        for (const e of validate.errors) errors.push(`${path.basename(file)}: ${e.instancePath || "/"} ${e.message}`);
      }
    }
  }
  return { verdict: errors.length ? "rejected" : "accepted", errors };
}

const tally = { agree: 0, disagree: 0, skipped: 0 };
const counts = {};

function check(group, input, want) {
  const name = path.relative(process.cwd(), input);
  let result;
  try {
    result = judge(input);
  } catch (e) {
    if (!(e instanceof Unconvertible)) throw e;
    tally.skipped++;
    console.log(`skip  ${name}: cannot be converted to JSON: ${e.message}`);
    return;
  }
  counts[group] ??= { agree: 0, total: 0 };
  counts[group].total++;
  if (result.verdict === want) {
    tally.agree++;
    counts[group].agree++;
    console.log(`ok    ${name}: ${result.verdict}`);
    return;
  }
  tally.disagree++;
  console.log(`FAIL  ${name}: ajv ${result.verdict} it, mfactl's corpus says it should be ${want}`);
  for (const e of result.errors) console.log(`        ${e}`);
}

for (const f of fs.readdirSync(examplesDir).filter((f) => /\.ya?ml$/i.test(f)).sort()) {
  check("examples accepted", path.join(examplesDir, f), "accepted");
}
for (const f of fs.readdirSync(invalidDir).filter((f) => !f.endsWith(".golden")).sort()) {
  const layer = f.split("-")[0];
  const group = {
    schema: "schema faults rejected",
    rule: "cross-field rule faults accepted",
    multi: "cross-file faults accepted",
    yaml: "YAML-level faults accepted once converted",
    load: "input faults accepted",
  }[layer];
  if (!group) throw new Error(`${f}: unknown layer ${layer}`);
  check(group, path.join(invalidDir, f), layer === "schema" ? "rejected" : "accepted");
}

const parts = Object.entries(counts).map(([group, c]) => `${c.agree}/${c.total} ${group}`);
console.log(
  `\najv agrees with mfactl on ${tally.agree} of ${tally.agree + tally.disagree} inputs ` +
    `(${parts.join(", ")}); ${tally.skipped} skipped as not convertible to JSON`,
);
console.log(`${tally.agree} passed, ${tally.disagree} failed, ${tally.skipped} skipped`);
process.exit(tally.disagree ? 1 : 0);
