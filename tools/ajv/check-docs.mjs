// Compiles the JSON Schema of every -o json document with ajv, which mfactl
// does not use, and checks documents against them.
//
//   node check-docs.mjs SCHEMA_DIR COMMAND FILE... [COMMAND FILE...]...
//
// SCHEMA_DIR holds COMMAND.schema.json for plan, show, apply, validate,
// report and reset-mfa (`mfactl schema --output COMMAND`); each COMMAND
// argument says which schema the files after it are checked against. A
// .jsonl file (an audit log) is checked line by line. Exit status 1 when
// a schema does not compile or a document does not match.

import fs from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";

const [dir, ...args] = process.argv.slice(2);
const commands = ["plan", "show", "apply", "validate", "report", "reset-mfa"];
if (!dir || args.length === 0 || !commands.includes(args[0])) {
  console.error("usage: node check-docs.mjs SCHEMA_DIR COMMAND FILE... [COMMAND FILE...]...");
  process.exit(2);
}

const validators = {};
let bad = 0;
for (const c of commands) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  try {
    validators[c] = ajv.compile(JSON.parse(fs.readFileSync(path.join(dir, `${c}.schema.json`), "utf8")));
  } catch (e) {
    bad++;
    console.error(`${c}.schema.json does not compile: ${e.message}`);
  }
}

let command;
let checked = 0;
for (const arg of args) {
  if (commands.includes(arg)) {
    command = arg;
    continue;
  }
  const validate = validators[command];
  if (!validate) continue;
  const text = fs.readFileSync(arg, "utf8");
  const docs = arg.endsWith(".jsonl") ? text.split("\n").filter((l) => l.trim() !== "") : [text];
  docs.forEach((doc, i) => {
    checked++;
    if (!validate(JSON.parse(doc))) {
      bad++;
      console.error(`${arg}${docs.length > 1 ? `:${i + 1}` : ""}: does not match the ${command} schema:`);
      for (const e of validate.errors) console.error(`  ${e.instancePath || "/"} ${e.message}`);
    }
  });
}
console.log(`check-docs: ${commands.length} schemas, ${checked} documents, ${bad} problems`);
process.exit(bad === 0 ? 0 : 1);
