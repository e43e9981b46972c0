// jsclient.cjs sends Cognito calls through the AWS SDK for JavaScript
// (@aws-sdk/client-cognito-identity-provider, pinned in package.json) and
// reports, per call, whether the SDK decoded the answer and whether it
// kept every member of the raw JSON. mfactl's conformance suite drives it
// (internal/conformance, TestJSClient): stdin is
//   {"endpoint": "http://127.0.0.1:PORT", "calls": [{"op": "GetUser", "input": {...}}, ...]}
// and stdout one JSON array with a result per call, in order.
"use strict";

const cip = require("@aws-sdk/client-cognito-identity-provider");

// Error names the SDK models (its exception classes); anything else from a
// call that reached the server means the answer was not understood.
const modelled = new Set(
  Object.keys(cip).filter((k) => k.endsWith("Exception") && typeof cip[k] === "function"),
);

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

// missing lists the paths of raw's members that decoded lacks.
function missing(raw, decoded, path, out) {
  if (raw === null || typeof raw !== "object") return out;
  if (decoded === null || decoded === undefined || typeof decoded !== "object") {
    out.push(path || "(response)");
    return out;
  }
  for (const key of Object.keys(raw)) {
    const p = path ? `${path}.${key}` : key;
    if (!(key in decoded) || decoded[key] === undefined) out.push(p);
    else if (!(decoded[key] instanceof Date)) missing(raw[key], decoded[key], p, out);
  }
  return out;
}

// totp is the current 6-digit RFC 6238 code (SHA-1, 30 s) for a base32 secret.
function totp(secret) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of secret.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const key = Buffer.alloc(Math.floor(bits.length / 8));
  for (let i = 0; i < key.length; i++) key[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = require("crypto").createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, "0");
}

// resolve replaces references to earlier outputs in an input.
function resolve(value, outputs) {
  if (typeof value === "string") {
    const m = /^\$\{(totp:)?(\d+)\.([\w.]+)\}$/.exec(value);
    if (!m) return value;
    let v = outputs[Number(m[2])];
    for (const k of m[3].split(".")) v = v == null ? undefined : v[k];
    if (typeof v !== "string") throw new Error(`${value}: call ${m[2]} gave no ${m[3]}`);
    return m[1] ? totp(v) : v;
  }
  if (Array.isArray(value)) return value.map((x) => resolve(x, outputs));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, resolve(x, outputs)]));
  }
  return value;
}

async function main() {
  const { endpoint, calls } = JSON.parse(await readAll(process.stdin));
  const base = new cip.CognitoIdentityProviderClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDCONFORMANCE", secretAccessKey: "conformance" },
    maxAttempts: 1,
  });
  const inner = base.config.requestHandler;
  let lastRaw = null;
  // The SDK's own HTTP handler, with the answer's body kept aside so that
  // it can be compared with what the SDK decoded.
  const capturing = {
    async handle(request, options) {
      const res = await inner.handle(request, options);
      lastRaw = await readAll(res.response.body);
      res.response.body = require("stream").Readable.from([Buffer.from(lastRaw)]);
      return res;
    },
    updateHttpClientConfig(k, v) { inner.updateHttpClientConfig(k, v); },
    httpHandlerConfigs() { return inner.httpHandlerConfigs(); },
    destroy() { inner.destroy && inner.destroy(); },
  };
  const client = new cip.CognitoIdentityProviderClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDCONFORMANCE", secretAccessKey: "conformance" },
    maxAttempts: 1,
    requestHandler: capturing,
  });
  const results = [];
  const outputs = [];
  for (const { op, input } of calls) {
    const Command = cip[`${op}Command`];
    const r = { op };
    outputs.push(undefined);
    if (!Command) {
      r.unknown = true;
      results.push(r);
      continue;
    }
    lastRaw = null;
    try {
      const out = await client.send(new Command(resolve(input || {}, outputs)));
      outputs[outputs.length - 1] = out;
      r.ok = true;
      const raw = lastRaw && lastRaw.trim() ? JSON.parse(lastRaw) : {};
      r.members = Object.keys(raw).sort();
      r.missing = missing(raw, out, "", []);
    } catch (err) {
      r.error = err.name;
      r.message = err.message;
      r.decoded = modelled.has(err.name) || err.name === "UnknownOperationException" ||
        err.name === "SerializationException" || err.name === "MissingAuthenticationTokenException";
    }
    results.push(r);
  }
  base.destroy();
  client.destroy();
  process.stdout.write(JSON.stringify(results) + "\n");
}

main().catch((err) => {
  process.stderr.write(`jsclient: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
