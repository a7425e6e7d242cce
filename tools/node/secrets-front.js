// Secrets Manager (GetSecretValue) and Parameter Store (GetParameter) as strict as AWS about SigV4 (strict-sigv4.js),
// answering as the services do, with faults on demand:
//   node secrets-front.js --port P
// One endpoint for both services (AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL_SSM point at it); the
// X-Amz-Target says which is called, and the signature must be for that service. Credentials: S3RVER / S3RVER and the
// emulator's ASIA… keys. A secret's or parameter's id is its ARN (the extension asks by ARN).
// Control (not AWS): POST /__values {"<arn>": "<value>"} sets values (a parameter's ARN has ":parameter/");
// POST /__faults {"id": "<arn>" | "*", "code": "AccessDeniedException", "status": 400, "count": 1} answers the next
// count calls for that id with that error (-1: all, 0: clears); GET /__stats gives {"calls": {target: n}, "refused",
// "answered", "faulted", "refusals": [code…], "decrypted": bool of the last GetParameter}.
"use strict";
const http = require("http");
const { verify } = require("./strict-sigv4");

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const keys = { S3RVER: "S3RVER" };
const values = {};
let faults = [];
const stats = { calls: {}, refused: 0, answered: 0, faulted: 0, refusals: [], decrypted: null };

function answer(res, status, json) {
  res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
  res.end(JSON.stringify(json));
}

function error(res, status, code, message) {
  answer(res, status, { __type: code, message });
}

function fault(id) {
  const found = faults.find(f => (f.id === "*" || f.id === id) && f.count !== 0);
  if (!found) return null;
  if (found.count > 0) found.count--;
  return found;
}

function call(target, input, res) {
  if (target === "secretsmanager.GetSecretValue") {
    const id = input.SecretId;
    if (!(id in values)) return error(res, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    return answer(res, 200, { ARN: id, Name: id.split(":")[6], SecretString: values[id], VersionId: "v1", VersionStages: ["AWSCURRENT"], CreatedDate: Date.now() / 1000 });
  }
  if (target === "AmazonSSM.GetParameter") {
    const id = input.Name;
    if (!(id in values)) return error(res, 400, "ParameterNotFound", "");
    stats.decrypted = input.WithDecryption === true;
    // A SecureString read without decryption is its ciphertext, as Parameter Store answers.
    const value = input.WithDecryption === true ? values[id] : Buffer.from("kms-ciphertext:" + values[id]).toString("base64");
    return answer(res, 200, { Parameter: { Name: id.split(":parameter")[1], Type: "SecureString", Value: value, Version: 1, ARN: id, DataType: "text" } });
  }
  return error(res, 400, "UnknownOperationException", "");
}

const front = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", c => chunks.push(c));
  req.on("end", async () => {
    const body = Buffer.concat(chunks);
    if (req.url === "/__values") { Object.assign(values, JSON.parse(body.toString())); res.end("{}"); return; }
    if (req.url === "/__faults") { const f = JSON.parse(body.toString()); faults = f.count === 0 ? faults.filter(x => x.id !== f.id) : [...faults, f]; res.end("{}"); return; }
    if (req.url === "/__stats") { res.setHeader("content-type", "application/json"); res.end(JSON.stringify(stats)); return; }
    const target = req.headers["x-amz-target"] || "";
    stats.calls[target] = (stats.calls[target] || 0) + 1;
    const service = target.startsWith("secretsmanager.") ? "secretsmanager" : "ssm";
    const refusal = await verify(req, body, { service, keys, isS3: false }).catch(e => [500, "InternalFailure", String(e)]);
    if (refusal) { stats.refused++; stats.refusals.push(refusal[1]); error(res, ...refusal); return; }
    let input;
    try { input = JSON.parse(body.toString()); } catch { error(res, 400, "SerializationException", ""); return; }
    const injected = fault(input.SecretId || input.Name);
    if (injected) { stats.faulted++; error(res, injected.status || 400, injected.code, injected.message || "fault injected by the test"); return; }
    stats.answered++;
    call(target, input, res);
  });
});
front.listen(Number(args.port), "127.0.0.1", () => console.log(`secrets front listening on 127.0.0.1:${front.address().port}`));
